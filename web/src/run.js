// One run on screen: live events over SSE (or the WebSocket for interactive runs), then the result.

import { api } from "./api.js";

export class RunView {
  // el holds the page's output elements: output, compile, status, facts, stdin form, tests.
  constructor(el, onEnd) {
    this.el = el;
    this.onEnd = onEnd;
    this.id = null;
    this.abort = null;
    this.socket = null;
    this.streamed = 0;
    this.lossy = false;
    this.firstOutputMs = null; // from start() to the first output shown
  }

  get active() {
    return this.id !== null;
  }

  // start follows execution id; interactive runs use the WebSocket so stdin can be sent.
  // since is when the user asked for the run (performance.now()), for the first-output time.
  start(id, interactive, since = performance.now()) {
    this.stop();
    this.id = id;
    this.since = since;
    this.firstOutputMs = null;
    this.abort = new AbortController();
    this.clear();
    this.setStatus("QUEUED");
    if (interactive) this.openSocket(id);
    else this.follow(id);
    this.el.stdinForm.hidden = !interactive;
  }

  // follow reads the run's events over SSE (resumed by the client if the stream drops).
  async follow(id) {
    try {
      for await (const ev of api.events(id, { signal: this.abort.signal })) {
        if (this.id !== id) return;
        this.handle(ev.type, ev.data);
      }
    } catch {
      if (this.id === id) this.poll(id); // the stream gave up: read the store instead
    }
  }

  openSocket(id) {
    this.socket = api.socket(id, {
      onEvent: (ev) => this.id === id && this.handle(ev.type, ev.data),
      onRefused: (detail) => this.append("stderr", `[input refused: ${detail}]\n`),
      onClose: (finished) => {
        // a run still going when the socket gave up is finished from the store
        if (!finished && this.id === id) this.poll(id);
      },
    });
  }

  async poll(id) {
    try {
      const e = await api.wait(id, { signal: this.abort.signal });
      if (this.id === id) this.finish(e);
    } catch (err) {
      if (this.id === id) this.setStatus("UNKNOWN", err.message);
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
        if (this.firstOutputMs === null) this.firstOutputMs = Math.round(performance.now() - this.since);
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
    this.el.tests.show(e);
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
    this.el.tests.clear();
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
    if (!this.socket?.stdin(text)) return false;
    this.append("stdin", text);
    return true;
  }

  closeStdin() {
    this.socket?.closeStdin();
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
    this.abort?.abort();
    this.abort = null;
    this.socket?.close();
    this.socket = null;
    this.el.stdinForm.hidden = true;
  }
}
