// Debounced autosave that never loses an edit and never overwrites another tab's: one request
// at a time, always the latest text, sent with If-Match (the version this tab edits), retried
// with backoff while the network fails, and a copy kept in localStorage until saved.

import { api, Problem, StaleSession } from "./api.js";

const debounceMS = 500;
const maxBackoffMS = 10000;

export class Autosave {
  // read returns {source_code, language} as the editor has them now; etag is the version of the
  // session the editor shows; onState gets "saved" | "saving" | "unsaved" | "offline" | "error"
  // | "conflict" and a message; onConflict gets the session another tab saved.
  constructor(sessionID, etag, read, onState, onConflict) {
    this.id = sessionID;
    this.etag = etag;
    this.read = read;
    this.onState = onState;
    this.onConflict = onConflict;
    this.version = 0; // bumped by every edit
    this.savedVersion = 0;
    this.inflight = null;
    this.timer = null;
    this.backoff = 1000;
    this.conflict = null; // the other tab's session while the user has not chosen
    this.lastSaveMs = null; // from the last keystroke to the server's answer, debounce included
    addEventListener("online", () => this.now());
  }

  get key() {
    return `livecode:unsaved:${this.id}`;
  }

  // changed records an edit and schedules a save.
  changed() {
    this.version++;
    this.editedAt = performance.now();
    this.keepCopy();
    if (this.conflict) return; // the banner waits for the user's choice
    this.onState("unsaved", "Unsaved changes");
    this.schedule(debounceMS);
  }

  schedule(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.now(), ms);
  }

  // now saves at once unless a save is in flight (its end saves again if more changed).
  now() {
    clearTimeout(this.timer);
    if (this.conflict || this.inflight || this.savedVersion === this.version) return this.inflight;
    this.inflight = this.send().finally(() => (this.inflight = null));
    return this.inflight;
  }

  // flush saves what is pending and resolves true once the server has the editor's text,
  // false if it could not (offline, refused, or a conflict awaiting the user).
  async flush() {
    for (let i = 0; i < 3 && this.pending() && !this.conflict; i++) {
      await (this.now() ?? this.inflight);
    }
    return !this.pending();
  }

  async send() {
    const v = this.version;
    this.onState("saving", "Saving…");
    try {
      const saved = await api.saveSession(this.id, this.read(), { ifMatch: this.etag });
      this.etag = saved.etag;
    } catch (e) {
      if (e instanceof StaleSession) {
        this.conflict = e.current;
        this.onState("conflict", "Not saved: changed in another tab");
        this.onConflict(e.current);
        return;
      }
      if (e instanceof Problem && !e.retryable) {
        this.onState("error", `Not saved: ${e.message}`);
        return;
      }
      this.onState("offline", "Offline: retrying");
      this.schedule(this.backoff);
      this.backoff = Math.min(this.backoff * 2, maxBackoffMS);
      return;
    }
    this.backoff = 1000;
    this.savedVersion = Math.max(this.savedVersion, v);
    if (this.savedVersion === this.version) this.done();
    else this.schedule(0);
  }

  // adopt makes the editor's text, just replaced by the caller with session s, the saved
  // state: after loading the other tab's version, nothing is left to save.
  adopt(s) {
    clearTimeout(this.timer);
    this.conflict = null;
    this.etag = s.etag;
    this.savedVersion = this.version;
    this.done();
  }

  // overwrite saves this tab's text over the other tab's version the user has seen.
  overwrite() {
    if (!this.conflict) return null;
    this.etag = this.conflict.etag;
    this.conflict = null;
    if (this.savedVersion === this.version) this.version++; // the text was saved once, before the other tab's
    return this.now();
  }

  done() {
    if (this.editedAt) this.lastSaveMs = Math.round(performance.now() - this.editedAt);
    this.editedAt = 0;
    localStorage.removeItem(this.key);
    this.onState("saved", "Saved");
  }

  keepCopy() {
    try {
      localStorage.setItem(this.key, JSON.stringify({ ...this.read(), etag: this.etag }));
    } catch {
      // storage full or disabled: the in-memory retry still holds the text
    }
  }

  // unsavedCopy is what a previous page of this session typed but could not save, with the
  // etag it was based on, or null.
  unsavedCopy() {
    try {
      return JSON.parse(localStorage.getItem(this.key));
    } catch {
      return null;
    }
  }

  pending() {
    return this.savedVersion !== this.version;
  }
}
