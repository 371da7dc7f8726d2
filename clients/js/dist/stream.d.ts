import type { StreamEvent } from "./types";
/** parseSSE reads an event-stream body and yields its events (id, event, data). */
export declare function parseSSE(body: ReadableStream<Uint8Array>): AsyncGenerator<{
    id: string;
    type: string;
    data: string;
}>;
/** toEvent turns a wire event into a StreamEvent; undefined for one this client does not know. */
export declare function toEvent(id: number, type: string, data: unknown): StreamEvent | undefined;
/** Handlers of an interactive run's WebSocket. */
export interface SocketHandlers {
    onEvent(ev: StreamEvent): void;
    /** A client message the server refused (e.g. stdin to a run that is not interactive). */
    onRefused?(detail: string): void;
    /** The socket ended for good: after the result, or when it could not be reopened. */
    onClose?(finished: boolean): void;
}
/** An interactive run's WebSocket: events in, stdin and cancel out. */
export declare class RunSocket {
    private readonly url;
    private readonly h;
    private readonly maxRetries;
    private ws;
    private last;
    private finished;
    private closed;
    private retries;
    constructor(url: (lastEventId: number) => string, h: SocketHandlers, maxRetries?: number);
    private open;
    /** Whether a message can be sent now. */
    get ready(): boolean;
    private send;
    /** stdin sends text to the program's stdin; false when the socket is not open. */
    stdin(text: string): boolean;
    /** closeStdin ends the program's input (EOF). */
    closeStdin(): boolean;
    /** cancel asks the server to cancel the run. */
    cancel(): boolean;
    /** close stops following the run (it keeps running). */
    close(): void;
}
