// src/problem.ts
var Problem = class extends Error {
  constructor(status, doc, retryAfter = null) {
    super(doc.detail || doc.title || `HTTP ${status}`);
    this.name = "Problem";
    this.status = status;
    this.doc = doc;
    this.retryAfter = retryAfter;
  }
  /** The request field at fault (e.g. "body.language", "header.If-Match"), if named. */
  get field() {
    return this.doc.errors?.[0]?.location;
  }
  /** Whether repeating the same request later may succeed (429, 5xx). */
  get retryable() {
    return this.status === 429 || this.status >= 500;
  }
};
var StaleSession = class extends Problem {
  constructor(status, doc, current) {
    super(status, doc);
    this.name = "StaleSession";
    this.current = current;
  }
};
var NetworkError = class extends Error {
  constructor(cause) {
    super(`livecode unreachable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "NetworkError";
    this.cause = cause;
  }
};
function problemOf(res, body) {
  let doc;
  try {
    doc = body ? JSON.parse(body) : {};
  } catch {
    doc = { detail: body.slice(0, 200) };
  }
  if (typeof doc !== "object" || doc === null) doc = {};
  const retry = Number(res.headers.get("Retry-After"));
  if (res.status === 412 && doc.session) {
    return new StaleSession(res.status, doc, { ...doc.session, etag: res.headers.get("ETag") ?? "" });
  }
  return new Problem(res.status, doc, Number.isFinite(retry) && retry > 0 ? retry : null);
}

// src/stream.ts
async function* parseSSE(body) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  let id = "";
  let type = "";
  let data = [];
  try {
    for (; ; ) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + (buf.startsWith("\r\n", nl) ? 2 : 1));
        if (line === "") {
          if (data.length) yield { id, type: type || "message", data: data.join("\n") };
          type = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "id") id = val;
        else if (field === "event") type = val;
        else if (field === "data") data.push(val);
      }
    }
  } finally {
    reader.releaseLock();
  }
}
function toEvent(id, type, data) {
  switch (type) {
    case "status":
    case "stdout":
    case "stderr":
    case "result":
    case "gap":
    case "dropped":
      return { id, type, data };
  }
  return void 0;
}
var RunSocket = class {
  constructor(url, h, maxRetries = 5) {
    this.url = url;
    this.h = h;
    this.maxRetries = maxRetries;
    this.ws = null;
    this.last = 0;
    this.finished = false;
    this.closed = false;
    this.retries = 0;
    this.open();
  }
  open() {
    const ws = new WebSocket(this.url(this.last));
    this.ws = ws;
    ws.onopen = () => this.retries = 0;
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data));
      if (msg.type === "error") {
        this.h.onRefused?.(msg.data?.detail ?? "refused");
        return;
      }
      if (msg.seq) this.last = msg.seq;
      const ev = toEvent(msg.seq, msg.type, msg.data);
      if (!ev) return;
      if (ev.type === "result") this.finished = true;
      this.h.onEvent(ev);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      if (this.finished || this.closed || this.retries >= this.maxRetries) {
        this.ws = null;
        this.h.onClose?.(this.finished);
        return;
      }
      this.retries++;
      setTimeout(() => !this.closed && this.open(), 250 * 2 ** this.retries);
    };
  }
  /** Whether a message can be sent now. */
  get ready() {
    return this.ws?.readyState === WebSocket.OPEN;
  }
  send(msg) {
    if (!this.ready) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }
  /** stdin sends text to the program's stdin; false when the socket is not open. */
  stdin(text) {
    return this.send({ type: "stdin", data: text });
  }
  /** closeStdin ends the program's input (EOF). */
  closeStdin() {
    return this.send({ type: "close_stdin" });
  }
  /** cancel asks the server to cancel the run. */
  cancel() {
    return this.send({ type: "cancel" });
  }
  /** close stops following the run (it keeps running). */
  close() {
    this.closed = true;
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }
};

// src/index.ts
var sleep = (ms, signal) => new Promise((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener("abort", () => (clearTimeout(t), reject(signal.reason)), { once: true });
});
var enc = encodeURIComponent;
var LivecodeClient = class {
  constructor(opts = {}) {
    this.caps = null;
    this.base = (opts.baseURL ?? "").replace(/\/+$/, "");
    this.key = opts.apiKey ?? "";
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
  }
  /** Sets the API key sent from now on ("" for none). */
  setAPIKey(key) {
    this.key = key;
  }
  async send(method, path, body, headers = {}, signal) {
    const h = { Accept: "application/json", ...headers };
    if (this.key) h.Authorization = `Bearer ${this.key}`;
    const init = { method, headers: h, signal };
    if (body !== void 0) {
      h["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await this.fetchFn(this.base + path, init);
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new NetworkError(e);
    }
    if (!res.ok) throw problemOf(res, await res.text());
    return res;
  }
  async json(method, path, body, headers) {
    const res = await this.send(method, path, body, headers);
    const text = await res.text();
    return { data: text ? JSON.parse(text) : null, res };
  }
  withETag(data, res) {
    return { ...data, etag: res.headers.get("ETag") ?? "" };
  }
  /** The server's languages, with their starter programs. */
  async languages() {
    return (await this.json("GET", "/languages")).data.languages;
  }
  /**
   * What the server offers beyond the core API, read once from its OpenAPI document: whether
   * runs take test cases. A server that cannot say offers nothing more.
   */
  capabilities() {
    this.caps ?? (this.caps = this.json("GET", "/openapi.json").then(
      ({ data }) => ({ tests: runTakesTests(data) }),
      () => ({ tests: false })
    ));
    return this.caps;
  }
  /** Creates a session. */
  async createSession(s = {}) {
    const { data, res } = await this.json("POST", "/code-sessions", s);
    return this.withETag(data, res);
  }
  /** Reads a session (404 Problem if unknown or another key's). */
  async getSession(id) {
    const { data, res } = await this.json("GET", `/code-sessions/${enc(id)}`);
    return this.withETag(data, res);
  }
  /**
   * Autosaves a session. With ifMatch (the etag of the version the edit is based on) a save
   * over another client's newer version is refused with a StaleSession carrying that version;
   * without it the last save wins.
   */
  async saveSession(id, patch, opts = {}) {
    const headers = opts.ifMatch ? { "If-Match": opts.ifMatch } : {};
    const { data, res } = await this.json("PATCH", `/code-sessions/${enc(id)}`, patch, headers);
    return this.withETag(data, res);
  }
  /** Closes a session: later edits and runs are refused (409). */
  async closeSession(id) {
    const { data, res } = await this.json("DELETE", `/code-sessions/${enc(id)}`);
    return this.withETag(data, res);
  }
  /** Queues a run of the session's saved code. */
  async run(sessionId, req = {}, opts = {}) {
    const headers = opts.idempotencyKey ? { "Idempotency-Key": opts.idempotencyKey } : {};
    return (await this.json("POST", `/code-sessions/${enc(sessionId)}/run`, req, headers)).data;
  }
  /** Reads an execution; output fields are null until it ends. */
  async execution(id) {
    return (await this.json("GET", `/executions/${enc(id)}`)).data;
  }
  /** Asks the server to cancel a queued or running execution (409 Problem once it has ended). */
  async cancel(id) {
    await this.send("POST", `/executions/${enc(id)}/cancel`);
  }
  /** A session's executions, newest first. */
  async executions(sessionId, opts = {}) {
    const q = new URLSearchParams();
    if (opts.limit) q.set("limit", String(opts.limit));
    if (opts.cursor) q.set("cursor", opts.cursor);
    const qs = q.size ? `?${q}` : "";
    return (await this.json("GET", `/code-sessions/${enc(sessionId)}/executions${qs}`)).data;
  }
  /** Polls an execution until it ends, backing off; network failures are retried. */
  async wait(id, opts = {}) {
    const max = opts.maxIntervalMs ?? 4e3;
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
  async *events(id, opts = {}) {
    let last = opts.lastEventId ?? 0;
    const maxRetries = opts.maxRetries ?? 5;
    for (let retries = 0; ; ) {
      let res;
      try {
        const headers = { Accept: "text/event-stream" };
        if (last) headers["Last-Event-ID"] = String(last);
        res = await this.send("GET", `/executions/${enc(id)}/events`, void 0, headers, opts.signal);
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
        for await (const raw of parseSSE(res.body)) {
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
  socket(id, handlers) {
    const origin = this.base || (typeof location !== "undefined" ? location.origin : "");
    const wsBase = origin.replace(/^http/, "ws");
    return new RunSocket((lastEventId) => {
      const q = new URLSearchParams();
      if (lastEventId) q.set("last_event_id", String(lastEventId));
      if (this.key) q.set("access_token", this.key);
      return `${wsBase}/executions/${enc(id)}/ws${q.size ? `?${q}` : ""}`;
    }, handlers);
  }
};
function runTakesTests(doc) {
  let schema = doc.paths?.["/code-sessions/{id}/run"]?.post?.requestBody?.content?.["application/json"]?.schema;
  if (schema?.$ref) schema = doc.components?.schemas?.[schema.$ref.split("/").pop() ?? ""];
  return !!schema?.properties && "tests" in schema.properties;
}
export {
  LivecodeClient,
  NetworkError,
  Problem,
  RunSocket,
  StaleSession
};
