// Live events: Server-Sent Events read with fetch (so the API key travels in a header), and the
// interactive WebSocket; both resume after the last event seen when the connection drops.

import type { StreamEvent } from "./types";

/** parseSSE reads an event-stream body and yields its events (id, event, data). */
export async function* parseSSE(body: ReadableStream<Uint8Array>): AsyncGenerator<{ id: string; type: string; data: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  let id = "";
  let type = "";
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + (buf.startsWith("\r\n", nl) ? 2 : 1));
        if (line === "") {
          if (data.length) yield { id, type: type || "message", data: data.join("\n") };
          type = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue; // a keep-alive comment
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

/** toEvent turns a wire event into a StreamEvent; undefined for one this client does not know. */
export function toEvent(id: number, type: string, data: unknown): StreamEvent | undefined {
  switch (type) {
    case "status":
    case "stdout":
    case "stderr":
    case "result":
    case "gap":
    case "dropped":
      return { id, type, data } as StreamEvent;
  }
  return undefined;
}

/** Handlers of an interactive run's WebSocket. */
export interface SocketHandlers {
  onEvent(ev: StreamEvent): void;
  /** A client message the server refused (e.g. stdin to a run that is not interactive). */
  onRefused?(detail: string): void;
  /** The socket ended for good: after the result, or when it could not be reopened. */
  onClose?(finished: boolean): void;
}

/** An interactive run's WebSocket: events in, stdin and cancel out. */
export class RunSocket {
  private ws: WebSocket | null = null;
  private last = 0;
  private finished = false;
  private closed = false;
  private retries = 0;

  constructor(
    private readonly url: (lastEventId: number) => string,
    private readonly h: SocketHandlers,
    private readonly maxRetries = 5,
  ) {
    this.open();
  }

  private open(): void {
    const ws = new WebSocket(this.url(this.last));
    this.ws = ws;
    ws.onopen = () => (this.retries = 0);
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as { seq: number; type: string; data: unknown };
      if (msg.type === "error") {
        this.h.onRefused?.((msg.data as { detail?: string })?.detail ?? "refused");
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
      this.retries++; // dropped mid-run: reopen after the last event seen
      setTimeout(() => !this.closed && this.open(), 250 * 2 ** this.retries);
    };
  }

  /** Whether a message can be sent now. */
  get ready(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  private send(msg: object): boolean {
    if (!this.ready) return false;
    this.ws!.send(JSON.stringify(msg));
    return true;
  }

  /** stdin sends text to the program's stdin; false when the socket is not open. */
  stdin(text: string): boolean {
    return this.send({ type: "stdin", data: text });
  }

  /** closeStdin ends the program's input (EOF). */
  closeStdin(): boolean {
    return this.send({ type: "close_stdin" });
  }

  /** cancel asks the server to cancel the run. */
  cancel(): boolean {
    return this.send({ type: "cancel" });
  }

  /** close stops following the run (it keeps running). */
  close(): void {
    this.closed = true;
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }
}
