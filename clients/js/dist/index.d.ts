import { RunSocket, type SocketHandlers } from "./stream";
import type { Capabilities, Execution, ExecutionPage, Language, RunAccepted, RunRequest, SavedSession, Session, SessionPatch, StreamEvent } from "./types";
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
/** A client of one livecode server. Every method throws a Problem (or StaleSession) for an error answer and a NetworkError when the server cannot be reached. */
export declare class LivecodeClient {
    private readonly base;
    private key;
    private readonly fetchFn;
    private caps;
    constructor(opts?: ClientOptions);
    /** Sets the API key sent from now on ("" for none). */
    setAPIKey(key: string): void;
    private send;
    private json;
    private withETag;
    /** The server's languages, with their starter programs. */
    languages(): Promise<Language[]>;
    /**
     * What the server offers beyond the core API, read once from its OpenAPI document: whether
     * runs take test cases. A server that cannot say offers nothing more.
     */
    capabilities(): Promise<Capabilities>;
    /** Creates a session. */
    createSession(s?: {
        language?: string;
        source_code?: string;
    }): Promise<Session>;
    /** Reads a session (404 Problem if unknown or another key's). */
    getSession(id: string): Promise<Session>;
    /**
     * Autosaves a session. With ifMatch (the etag of the version the edit is based on) a save
     * over another client's newer version is refused with a StaleSession carrying that version;
     * without it the last save wins.
     */
    saveSession(id: string, patch: SessionPatch, opts?: {
        ifMatch?: string;
    }): Promise<SavedSession>;
    /** Closes a session: later edits and runs are refused (409). */
    closeSession(id: string): Promise<SavedSession>;
    /** Queues a run of the session's saved code. */
    run(sessionId: string, req?: RunRequest, opts?: {
        idempotencyKey?: string;
    }): Promise<RunAccepted>;
    /** Reads an execution; output fields are null until it ends. */
    execution(id: string): Promise<Execution>;
    /** Asks the server to cancel a queued or running execution (409 Problem once it has ended). */
    cancel(id: string): Promise<void>;
    /** A session's executions, newest first. */
    executions(sessionId: string, opts?: {
        limit?: number;
        cursor?: string;
    }): Promise<ExecutionPage>;
    /** Polls an execution until it ends, backing off; network failures are retried. */
    wait(id: string, opts?: WaitOptions): Promise<Execution>;
    /**
     * Follows an execution's live events over SSE until its result. A dropped stream is reopened
     * with Last-Event-ID, so nothing is seen twice or missed; a server without live events (503)
     * is polled instead and yields the result alone.
     */
    events(id: string, opts?: EventsOptions): AsyncGenerator<StreamEvent>;
    /**
     * Opens an interactive run's WebSocket (runs queued with interactive: true read what stdin()
     * sends). Browsers cannot set headers on a WebSocket, so the API key travels as access_token
     * in its address, which is never shown or shared. A dropped socket reopens after the last event.
     */
    socket(id: string, handlers: SocketHandlers): RunSocket;
}
