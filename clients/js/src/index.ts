// The livecode API client: sessions, runs, polling and live output, with errors as typed problems.

import { NetworkError, Problem, StaleSession, problemOf } from "./problem";
import { RunSocket, parseSSE, toEvent, type SocketHandlers } from "./stream";
import type {
  Capabilities,
  Execution,
  ExecutionPage,
  Language,
  RunAccepted,
  RunRequest,
  SavedSession,
  Session,
  SessionPatch,
  StreamEvent,
} from "./types";

export * from "./types";
export { NetworkError, Problem, StaleSession } from "./problem";
export type { ProblemDetail, ProblemDocument } from "./problem";
export { RunSocket } from "./stream";
export type { SocketHandlers } from "./stream";

export interface ClientOptions {
  /** The server's address, e.g. "https://livecode.example"; "" (default) for the page's own origin. */
  baseURL?: string;
  /** An API key (servers with API_KEYS), sent as a bearer token. */
  apiKey?: string;
  /** The fetch to use; default: the global one. */
  fetch?: typeof fetch;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** First polling interval; it doubles up to maxIntervalMs. Default 250. */
  intervalMs?: number;
  maxIntervalMs?: number;
}

export interface EventsOptions {
  signal?: AbortSignal;
  /** Resume after this event id (what a previous stream last gave). */
  lastEventId?: number;
  /** How many times a dropped stream is reopened in a row before giving up. Default 5. */
  maxRetries?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

const enc = encodeURIComponent;

/** A client of one livecode server. Every method throws a Problem (or StaleSession) for an error answer and a NetworkError when the server cannot be reached. */
export class LivecodeClient {
  private readonly base: string;
  private key: string;
  private readonly fetchFn: typeof fetch;
  private caps: Promise<Capabilities> | null = null;

  constructor(opts: ClientOptions = {}) {
    this.base = (opts.baseURL ?? "").replace(/\/+$/, "");
    this.key = opts.apiKey ?? "";
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Sets the API key sent from now on ("" for none). */
  setAPIKey(key: string): void {
    this.key = key;
  }

  private async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    const h: Record<string, string> = { Accept: "application/json", ...headers };
    if (this.key) h.Authorization = `Bearer ${this.key}`;
    const init: RequestInit = { method, headers: h, signal };
    if (body !== undefined) {
      h["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path, init);
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new NetworkError(e);
    }
    if (!res.ok) throw problemOf(res, await res.text());
    return res;
  }

  private async json<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ data: T; res: Response }> {
    const res = await this.send(method, path, body, headers);
    const text = await res.text();
    return { data: (text ? JSON.parse(text) : null) as T, res };
  }

  private withETag<T>(data: T, res: Response): T & { etag: string } {
    return { ...data, etag: res.headers.get("ETag") ?? "" };
  }

  /** The server's languages, with their starter programs. */
  async languages(): Promise<Language[]> {
    return (await this.json<{ languages: Language[] }>("GET", "/languages")).data.languages;
  }

  /**
   * What the server offers beyond the core API, read once from its OpenAPI document: whether
   * runs take test cases. A server that cannot say offers nothing more.
   */
  capabilities(): Promise<Capabilities> {
    this.caps ??= this.json<OpenAPIDoc>("GET", "/openapi.json").then(
      ({ data }) => ({ tests: runTakesTests(data) }),
      () => ({ tests: false }),
    );
    return this.caps;
  }

  /** Creates a session. */
  async createSession(s: { language?: string; source_code?: string } = {}): Promise<Session> {
    const { data, res } = await this.json<Omit<Session, "etag">>("POST", "/code-sessions", s);
    return this.withETag(data, res);
  }

  /** Reads a session (404 Problem if unknown or another key's). */
  async getSession(id: string): Promise<Session> {
    const { data, res } = await this.json<Omit<Session, "etag">>("GET", `/code-sessions/${enc(id)}`);
    return this.withETag(data, res);
  }

  /**
   * Autosaves a session. With ifMatch (the etag of the version the edit is based on) a save
   * over another client's newer version is refused with a StaleSession carrying that version;
   * without it the last save wins.
   */
  async saveSession(id: string, patch: SessionPatch, opts: { ifMatch?: string } = {}): Promise<SavedSession> {
    const headers: Record<string, string> = opts.ifMatch ? { "If-Match": opts.ifMatch } : {};
    const { data, res } = await this.json<Omit<SavedSession, "etag">>("PATCH", `/code-sessions/${enc(id)}`, patch, headers);
    return this.withETag(data, res);
  }

  /** Closes a session: later edits and runs are refused (409). */
  async closeSession(id: string): Promise<SavedSession> {
    const { data, res } = await this.json<Omit<SavedSession, "etag">>("DELETE", `/code-sessions/${enc(id)}`);
    return this.withETag(data, res);
  }

  /** Queues a run of the session's saved code. */
  async run(sessionId: string, req: RunRequest = {}, opts: { idempotencyKey?: string } = {}): Promise<RunAccepted> {
    const headers: Record<string, string> = opts.idempotencyKey ? { "Idempotency-Key": opts.idempotencyKey } : {};
    return (await this.json<RunAccepted>("POST", `/code-sessions/${enc(sessionId)}/run`, req, headers)).data;
  }

  /** Reads an execution; output fields are null until it ends. */
  async execution(id: string): Promise<Execution> {
    return (await this.json<Execution>("GET", `/executions/${enc(id)}`)).data;
  }

  /** Asks the server to cancel a queued or running execution (409 Problem once it has ended). */
  async cancel(id: string): Promise<void> {
    await this.send("POST", `/executions/${enc(id)}/cancel`);
  }

  /** A session's executions, newest first. */
  async executions(sessionId: string, opts: { limit?: number; cursor?: string } = {}): Promise<ExecutionPage> {
    const q = new URLSearchParams();
    if (opts.limit) q.set("limit", String(opts.limit));
    if (opts.cursor) q.set("cursor", opts.cursor);
    const qs = q.size ? `?${q}` : "";
    return (await this.json<ExecutionPage>("GET", `/code-sessions/${enc(sessionId)}/executions${qs}`)).data;
  }

  /** Polls an execution until it ends, backing off; network failures are retried. */
  async wait(id: string, opts: WaitOptions = {}): Promise<Execution> {
    const max = opts.maxIntervalMs ?? 4000;
    for (let wait = opts.intervalMs ?? 250; ; wait = Math.min(wait * 2, max)) {
      try {
        const e = await this.execution(id);
        if (e.finished_at) return e;
      } catch (err) {
        if (!(err instanceof NetworkError) && !(err instanceof Problem && err.retryable)) throw err;
      }
      await sleep(wait, opts.signal);
    }
  }

  /**
   * Follows an execution's live events over SSE until its result. A dropped stream is reopened
   * with Last-Event-ID, so nothing is seen twice or missed; a server without live events (503)
   * is polled instead and yields the result alone.
   */
  async *events(id: string, opts: EventsOptions = {}): AsyncGenerator<StreamEvent> {
    let last = opts.lastEventId ?? 0;
    const maxRetries = opts.maxRetries ?? 5;
    for (let retries = 0; ; ) {
      let res: Response;
      try {
        const headers: Record<string, string> = { Accept: "text/event-stream" };
        if (last) headers["Last-Event-ID"] = String(last);
        res = await this.send("GET", `/executions/${enc(id)}/events`, undefined, headers, opts.signal);
      } catch (err) {
        if (err instanceof Problem && err.status === 503) {
          const result = await this.wait(id, { signal: opts.signal });
          yield { id: last, type: "result", data: result };
          return;
        }
        if (opts.signal?.aborted || !(err instanceof NetworkError) || ++retries > maxRetries) throw err;
        await sleep(250 * 2 ** retries, opts.signal);
        continue;
      }
      try {
        for await (const raw of parseSSE(res.body!)) {
          retries = 0;
          const n = Number(raw.id);
          if (n) last = n;
          const ev = toEvent(n, raw.type, JSON.parse(raw.data));
          if (!ev) continue;
          yield ev;
          if (ev.type === "result") return;
        }
      } catch (err) {
        if (opts.signal?.aborted) throw err;
      }
      if (++retries > maxRetries) throw new NetworkError("the event stream kept ending before the result");
      await sleep(250 * 2 ** retries, opts.signal);
    }
  }

  /**
   * Opens an interactive run's WebSocket (runs queued with interactive: true read what stdin()
   * sends). Browsers cannot set headers on a WebSocket, so the API key travels as access_token
   * in its address, which is never shown or shared. A dropped socket reopens after the last event.
   */
  socket(id: string, handlers: SocketHandlers): RunSocket {
    const origin = this.base || (typeof location !== "undefined" ? location.origin : "");
    const wsBase = origin.replace(/^http/, "ws");
    return new RunSocket((lastEventId) => {
      const q = new URLSearchParams();
      if (lastEventId) q.set("last_event_id", String(lastEventId));
      if (this.key) q.set("access_token", this.key);
      return `${wsBase}/executions/${enc(id)}/ws${q.size ? `?${q}` : ""}`;
    }, handlers);
  }
}

interface OpenAPIDoc {
  paths?: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: SchemaRef }> } }>>;
  components?: { schemas?: Record<string, SchemaRef> };
}

interface SchemaRef {
  $ref?: string;
  properties?: Record<string, unknown>;
}

/** runTakesTests reports whether the run request's schema in doc has a tests property. */
function runTakesTests(doc: OpenAPIDoc): boolean {
  let schema = doc.paths?.["/code-sessions/{id}/run"]?.post?.requestBody?.content?.["application/json"]?.schema;
  if (schema?.$ref) schema = doc.components?.schemas?.[schema.$ref.split("/").pop() ?? ""];
  return !!schema?.properties && "tests" in schema.properties;
}
