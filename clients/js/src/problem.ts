// Errors as typed problems: every non-2xx answer is an RFC 9457 problem document.

import type { Session } from "./types";

export interface ProblemDetail {
  message: string;
  location?: string;
  value?: unknown;
}

/** The problem document livecode answers errors with. */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: ProblemDetail[];
  request_id?: string;
  execution_id?: string;
  retry_after_seconds?: number;
  session?: Omit<Session, "etag">;
}

/** A refused request: status and the server's problem document. */
export class Problem extends Error {
  readonly status: number;
  readonly doc: ProblemDocument;
  /** Seconds to wait before retrying (429, 503), from Retry-After. */
  readonly retryAfter: number | null;

  constructor(status: number, doc: ProblemDocument, retryAfter: number | null = null) {
    super(doc.detail || doc.title || `HTTP ${status}`);
    this.name = "Problem";
    this.status = status;
    this.doc = doc;
    this.retryAfter = retryAfter;
  }

  /** The request field at fault (e.g. "body.language", "header.If-Match"), if named. */
  get field(): string | undefined {
    return this.doc.errors?.[0]?.location;
  }

  /** Whether repeating the same request later may succeed (429, 5xx). */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/**
 * An autosave refused (412) because another client saved the session first. current is the
 * session as the server has it now, with its etag: load it, or save again with its etag to
 * overwrite it.
 */
export class StaleSession extends Problem {
  readonly current: Session;

  constructor(status: number, doc: ProblemDocument, current: Session) {
    super(status, doc);
    this.name = "StaleSession";
    this.current = current;
  }
}

/** The server could not be reached (offline, DNS, connection reset, CORS refusal). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(`livecode unreachable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "NetworkError";
    (this as { cause?: unknown }).cause = cause;
  }
}

/** problemOf builds the error for a non-2xx response whose body text is body. */
export function problemOf(res: Response, body: string): Problem {
  let doc: ProblemDocument;
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
