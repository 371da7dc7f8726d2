// One run on screen: live events over SSE (or the WebSocket for interactive runs), then the result.

import { api, streamURL } from "./api.js";

const eventTypes = ["status", "stdout", "stderr", "result", "gap", "dropped"];

export class RunView {
  // el holds the page's output elements: output, compile, status, facts, stdin form.
  constructor(el, onEnd) {
    this.el = el;
    this.onEnd = onEnd;
    this.id = null;
    this.source = null;
    this.socket = null;
    this.streamed = 0;
    this.lossy = false;
  }

  get active() {
    return this.id !== null;
  }

  // start follows execution id; interactive runs use the WebSocket so stdin can be sent.
  start(id, interactive) {
    this.stop();
    this.id = id;
    this.clear();
    this.setStatus("QUEUED");
    if (interactive) this.openSocket(id);
    else this.openEvents(id);
    this.el.stdinForm.hidden = !interactive;
  }

  openEvents(id) {
    const es = new EventSource(streamURL(`/executions/${encodeURIComponent(id)}/events`));
    this.source = es;
    for (const t of eventTypes) {
      es.addEventListener(t, (ev) => this.handle(t, JSON.parse(ev.data)));
    }
    es.onerror = () => {
      // a refused stream (503 without live events, say) is not retried: read the store instead
      if (es.readyState === EventSource.CLOSED && this.id === id) this.poll(id);
    };
  }

  openSocket(id) {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${proto}//${location.host}${streamURL(`/executions/${encodeURIComponent(id)}/ws`)}`);
    this.socket = ws;
    ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data);
      if (m.type === "error") this.append("stderr", `[input refused: ${m.data.detail}]\n`);
      else this.handle(m.type, m.data);
    };
    ws.onclose = () => {
      // the socket closes after the result; a run still going is finished from the store
      if (this.id === id) this.poll(id);
    };
  }

  async poll(id) {
    for (let wait = 500; this.id === id; wait = Math.min(wait * 2, 4000)) {
      try {
        const e = await api.execution(id);
        if (e.finished_at) return this.finish(e);
        this.setStatus(e.status);
      } catch {
        // network trouble: try again
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  handle(type, data) {
    switch (type) {
      case "status":
        if (data.attempt > 1) this.clear(); // restarted after an infrastructure failure
        this.setStatus(data.status);
        break;
      case "stdout":
      case "stderr":
        this.streamed += data.data.length;
        this.append(type, data.data);
        break;
      case "gap":
      case "dropped":
        this.lossy = true;
        break;
      case "result":
        if (data.output_omitted) this.lossy = true;
        if (this.lossy) api.execution(data.execution_id).then((e) => this.finish(e), () => this.finish(data));
        else this.finish(data);
        break;
    }
  }

  // finish shows a result; the stored output replaces what streamed when some was lost.
  finish(e) {
    if (e.execution_id !== this.id) return;
    const streamedAll = !this.lossy && this.streamed === (e.output ?? "").length;
    this.stop();
    if (!streamedAll && e.output != null) {
      this.el.output.textContent = "";
      if (e.stdout) this.append("stdout", e.stdout);
      if (e.stderr) this.append("stderr", e.stderr);
    }
    this.show(e);
    this.onEnd(e);
  }

  // show renders a finished execution's status and facts (also for one picked from history).
  show(e) {
    this.setStatus(e.status, e.reason);
    const facts = [];
    if (e.exit_code != null) facts.push(["Exit code", e.exit_code]);
    if (e.signal) facts.push(["Signal", e.signal]);
    if (e.execution_time_ms != null) facts.push(["Time", `${e.execution_time_ms} ms`]);
    if (e.memory_kb != null) facts.push(["Memory", `${(e.memory_kb / 1024).toFixed(1)} MiB`]);
    if (e.compile_time_ms != null) facts.push(["Compile", `${e.compile_time_ms} ms`]);
    this.el.facts.replaceChildren(
      ...facts.flatMap(([k, v]) => {
        const dt = document.createElement("dt");
        dt.textContent = k;
        const dd = document.createElement("dd");
        dd.textContent = String(v);
        return [dt, dd];
      }),
    );
    this.el.compile.textContent = e.compile_output ?? "";
    this.el.compileBox.hidden = !e.compile_output;
  }

  // load shows a past execution in full.
  showStored(e) {
    this.stop();
    this.clear();
    if (e.stdout) this.append("stdout", e.stdout);
    if (e.stderr) this.append("stderr", e.stderr);
    this.show(e);
  }

  clear() {
    this.el.output.textContent = "";
    this.el.facts.replaceChildren();
    this.el.compile.textContent = "";
    this.el.compileBox.hidden = true;
    this.streamed = 0;
    this.lossy = false;
  }

  append(kind, text) {
    const out = this.el.output;
    const span = document.createElement("span");
    span.className = kind;
    span.textContent = text;
    const atEnd = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
    out.append(span);
    if (atEnd) out.scrollTop = out.scrollHeight;
  }

  setStatus(status, reason) {
    this.el.status.textContent = reason ? `${status} (${reason})` : status;
    this.el.status.dataset.status = status;
  }

  // sendStdin types a line into an interactive run.
  sendStdin(text) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify({ type: "stdin", data: text }));
    this.append("stdin", text);
    return true;
  }

  closeStdin() {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: "close_stdin" }));
  }

  async cancel() {
    if (!this.id) return;
    try {
      await api.cancel(this.id);
    } catch {
      // already ended (409) or unreachable: the stream or the poll tells the outcome
    }
  }

  stop() {
    this.id = null;
    this.source?.close();
    this.source = null;
    const ws = this.socket;
    this.socket = null;
    ws?.close();
    this.el.stdinForm.hidden = true;
  }
}
