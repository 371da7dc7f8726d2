// Debounced autosave that never loses an edit: one request at a time, always the latest text,
// retried with backoff while the network fails, and a copy kept in localStorage until saved.

import { api, Problem } from "./api.js";

const debounceMS = 500;
const maxBackoffMS = 10000;

export class Autosave {
  // read returns {source_code, language} as the editor has them now; onState gets
  // "saved" | "saving" | "unsaved" | "offline" | "error" and a message.
  constructor(sessionID, read, onState) {
    this.id = sessionID;
    this.read = read;
    this.onState = onState;
    this.version = 0; // bumped by every edit
    this.savedVersion = 0;
    this.inflight = null;
    this.timer = null;
    this.backoff = 1000;
    addEventListener("online", () => this.now());
  }

  get key() {
    return `livecode:unsaved:${this.id}`;
  }

  // changed records an edit and schedules a save.
  changed() {
    this.version++;
    this.keepCopy();
    this.onState("unsaved", "Unsaved changes");
    this.schedule(debounceMS);
  }

  // markSaved records that version v reached the server by another way (a run saves the code).
  markSaved(v) {
    this.savedVersion = Math.max(this.savedVersion, v);
    if (this.savedVersion === this.version) this.done();
  }

  schedule(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.now(), ms);
  }

  // now saves at once unless a save is in flight (its end saves again if more changed).
  now() {
    clearTimeout(this.timer);
    if (this.inflight || this.savedVersion === this.version) return this.inflight;
    this.inflight = this.send().finally(() => (this.inflight = null));
    return this.inflight;
  }

  async send() {
    const v = this.version;
    this.onState("saving", "Saving…");
    try {
      await api.saveSession(this.id, this.read());
    } catch (e) {
      if (e instanceof Problem && e.status < 500 && e.status !== 429) {
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

  done() {
    localStorage.removeItem(this.key);
    this.onState("saved", "Saved");
  }

  keepCopy() {
    try {
      localStorage.setItem(this.key, JSON.stringify(this.read()));
    } catch {
      // storage full or disabled: the in-memory retry still holds the text
    }
  }

  // unsavedCopy is what a previous page of this session typed but could not save, or null.
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
