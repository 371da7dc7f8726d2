// The playground page: a session's editor, language picker, autosave, runs and their history.

import { basicSetup, EditorView } from "codemirror";
import { Compartment, Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { api, Problem, setAPIKey } from "./api.js";
import { editorLanguage } from "./languages.js";
import { Autosave } from "./autosave.js";
import { RunView } from "./run.js";
import { TestRows } from "./tests.js";

const $ = (id) => document.getElementById(id);
const mode = new Compartment();
let editor, autosave, session, tests, languages = [];
let loading = false; // the editor's text is being replaced by a stored version, not typed

// Placeholder rows until the session is known: show() and clear() are all a run needs of them.
const view = new RunView(
  { output: $("output"), compile: $("compile"), compileBox: $("compile-box"), status: $("run-status"),
    facts: $("facts"), stdinForm: $("stdin-form"), tests: { show: (e) => tests?.show(e), clear: () => tests?.clear() } },
  () => {
    setRunning(false);
    loadHistory();
    if (view.firstOutputMs !== null) document.body.dataset.firstOutputMs = String(view.firstOutputMs);
  },
);

// starter is the program a new session of language id begins with, as GET /languages gives it.
function starter(id) {
  return languages.find((l) => l.id === id)?.starter_code ?? "";
}

// isStarter reports whether code is untouched starter code (or empty), which a switch of
// language may replace without losing work.
function isStarter(text) {
  return text.trim() === "" || languages.some((l) => l.starter_code && l.starter_code.trim() === text.trim());
}

function code() {
  return editor.state.doc.toString();
}

function setCode(text) {
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
}

function showSaveState(state, message) {
  const el = $("save-state");
  el.dataset.state = state;
  el.textContent = message;
  if (state === "saved" && autosave?.lastSaveMs != null) document.body.dataset.lastSaveMs = String(autosave.lastSaveMs);
}

// showConflict offers the choice when another tab saved the session first: load its version
// (this tab's edit is dropped) or save this tab's text over it.
function showConflict(theirs) {
  const when = new Date(theirs.updated_at).toLocaleTimeString();
  $("conflict-text").textContent = `This session was changed in another tab or window at ${when}` +
    ` (${theirs.language}, ${theirs.source_code.split("\n").length} lines). Your edits here are not saved.`;
  $("conflict").hidden = false;
  $("conflict-load").focus();
}

function resolveConflict(keepMine) {
  const theirs = autosave.conflict;
  if (!theirs) return;
  $("conflict").hidden = true;
  if (keepMine) {
    autosave.overwrite();
  } else {
    loading = true;
    session.language = theirs.language;
    $("language").value = theirs.language;
    setCode(theirs.source_code);
    setMode(theirs.language);
    loading = false;
    autosave.adopt(theirs);
  }
  editor.focus();
}

function setRunning(on) {
  $("run").disabled = on;
  $("cancel").disabled = !on;
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

async function openSession() {
  const m = location.pathname.match(/^\/s\/([^/]+)$/);
  if (m) {
    try {
      return await api.getSession(decodeURIComponent(m[1]));
    } catch (e) {
      if (e instanceof Problem && e.status === 401) throw e; // ask for a key, then try again
      showError(`Session ${m[1]} could not be opened (${e.message}); a new one was started.`);
    }
  }
  const lang = localStorage.getItem("livecode:language") || "python";
  const s = await api.createSession({ language: lang, source_code: starter(lang) })
    .catch(() => api.createSession({ language: "python", source_code: starter("python") }));
  history.replaceState(null, "", `/s/${encodeURIComponent(s.session_id)}`);
  return s;
}

function fillLanguages(current) {
  const select = $("language");
  select.replaceChildren(
    ...languages.map((l) => {
      const o = new Option(`${l.name}${l.available ? "" : " (unavailable)"}`, l.id);
      o.disabled = !l.available;
      return o;
    }),
  );
  select.value = current;
}

async function changeLanguage() {
  const lang = $("language").value;
  session.language = lang;
  localStorage.setItem("livecode:language", lang);
  if (isStarter(code())) setCode(starter(lang)); // an edit: autosave sends code and language
  else autosave.changed();
  setMode(lang);
}

// setMode highlights for lang once its chunk is loaded, unless the language changed meanwhile.
async function setMode(lang) {
  const ext = await editorLanguage(lang);
  if (session.language !== lang) return;
  editor.dispatch({ effects: mode.reconfigure(ext) });
  // Which language the editor is set for, and whether it highlights it ("plain": no mode).
  document.body.dataset.editorMode = lang + (Array.isArray(ext) && ext.length === 0 ? ":plain" : ":highlighted");
}

// run saves what is pending (with If-Match, so a conflict stops it) and runs the saved code.
async function run() {
  if (view.active) return;
  const since = performance.now();
  showError("");
  setRunning(true);
  try {
    if (!(await autosave.flush())) {
      setRunning(false);
      showError(autosave.conflict ? "Not run: choose which version to keep first." : "Not run: the code could not be saved.");
      return;
    }
    const interactive = $("interactive").checked;
    const r = await api.run(session.session_id, { interactive, tests: interactive ? undefined : tests.request() });
    view.start(r.execution_id, interactive, since);
    loadHistory();
    if ($("interactive").checked) $("stdin").focus();
  } catch (e) {
    setRunning(false);
    showError(`Run refused: ${e.message}`);
  }
}

async function loadHistory() {
  let list;
  try {
    list = (await api.executions(session.session_id, { limit: 20 })).executions;
  } catch {
    return; // history is a convenience; the next run refreshes it
  }
  $("history").replaceChildren(
    ...list.map((e) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      const when = new Date(e.queued_at).toLocaleTimeString();
      const time = e.execution_time_ms != null ? `, ${e.execution_time_ms} ms` : "";
      b.textContent = `${when} ${e.language} ${e.status}${time}`;
      b.addEventListener("click", async () => {
        if (view.active) return;
        try {
          view.showStored(await api.execution(e.execution_id));
        } catch (err) {
          showError(`Could not load that run: ${err.message}`);
        }
      });
      li.append(b);
      return li;
    }),
  );
}

async function main() {
  languages = await api.languages(); // first: a new session starts with its starter
  session = await openSession();
  autosave = new Autosave(session.session_id, session.etag, () => ({ source_code: code(), language: session.language }),
    showSaveState, showConflict);
  tests = new TestRows($("tests"), session.session_id);
  api.capabilities().then((c) => c.tests && tests.enable());
  let text = session.source_code;
  const copy = autosave.unsavedCopy();
  const stored = session;
  if (copy && (copy.source_code !== text || copy.language !== session.language)) {
    text = copy.source_code; // typed on an earlier page but never saved
    session = { ...session, language: copy.language };
  }
  fillLanguages(session.language);
  $("session-id").textContent = session.session_id;

  const runKeys = [{ key: "Mod-Enter", run: () => (run(), true), preventDefault: true }];
  editor = new EditorView({
    doc: text,
    parent: $("editor"),
    extensions: [
      Prec.highest(keymap.of(runKeys)),
      basicSetup,
      keymap.of([indentWithTab]),
      mode.of([]),
      EditorView.contentAttributes.of({ "aria-label": "Code editor (Escape then Tab leaves it)" }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged && !loading) autosave.changed();
      }),
    ],
  });
  setMode(session.language);
  if (text === stored.source_code && session.language === stored.language) showSaveState("saved", "Saved");
  else if (copy.etag === stored.etag) autosave.changed(); // unsaved edits of the stored version: save them
  else {
    // edited here on top of a version another tab has since replaced: let the user choose
    autosave.version++;
    autosave.keepCopy();
    autosave.conflict = stored;
    showSaveState("conflict", "Not saved: changed in another tab");
    showConflict(stored);
  }

  $("language").addEventListener("change", changeLanguage);
  $("run").addEventListener("click", run);
  $("cancel").addEventListener("click", () => view.cancel());
  $("stdin-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (view.sendStdin($("stdin").value + "\n")) $("stdin").value = "";
  });
  $("eof").addEventListener("click", () => view.closeStdin());
  $("conflict-load").addEventListener("click", () => resolveConflict(false));
  $("conflict-keep").addEventListener("click", () => resolveConflict(true));
  addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && !editor.hasFocus) {
      ev.preventDefault();
      run();
    }
  });
  addEventListener("beforeunload", (ev) => {
    if (autosave.pending()) ev.preventDefault();
  });
  setRunning(false);
  loadHistory();
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = "true";
  editor.focus();
}

// askForKey shows the key form (the server has API_KEYS on) and resolves once a key is given.
function askForKey(refused) {
  const form = $("key-form");
  form.hidden = false;
  $("key-refused").hidden = !refused;
  $("api-key").focus();
  return new Promise((resolve) => {
    form.addEventListener("submit", function submit(ev) {
      ev.preventDefault();
      setAPIKey($("api-key").value.trim());
      form.removeEventListener("submit", submit);
      form.hidden = true;
      resolve();
    });
  });
}

async function start(refused) {
  try {
    await main();
  } catch (e) {
    if (e instanceof Problem && e.status === 401) {
      await askForKey(refused);
      return start(true);
    }
    showError(`The playground could not start: ${e.message}`);
  }
}

start(false);
