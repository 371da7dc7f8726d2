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
export declare class Problem extends Error {
    readonly status: number;
    readonly doc: ProblemDocument;
    /** Seconds to wait before retrying (429, 503), from Retry-After. */
    readonly retryAfter: number | null;
    constructor(status: number, doc: ProblemDocument, retryAfter?: number | null);
    /** The request field at fault (e.g. "body.language", "header.If-Match"), if named. */
    get field(): string | undefined;
    /** Whether repeating the same request later may succeed (429, 5xx). */
    get retryable(): boolean;
}
/**
 * An autosave refused (412) because another client saved the session first. current is the
 * session as the server has it now, with its etag: load it, or save again with its etag to
 * overwrite it.
 */
export declare class StaleSession extends Problem {
    readonly current: Session;
    constructor(status: number, doc: ProblemDocument, current: Session);
}
/** The server could not be reached (offline, DNS, connection reset, CORS refusal). */
export declare class NetworkError extends Error {
    constructor(cause: unknown);
}
/** problemOf builds the error for a non-2xx response whose body text is body. */
export declare function problemOf(res: Response, body: string): Problem;
