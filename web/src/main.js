// The playground page: a session's editor, language picker, autosave, runs and their history.

import { basicSetup, EditorView } from "codemirror";
import { Compartment, Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { api, Problem, setAPIKey } from "./api.js";
import { editorLanguage } from "./languages.js";
import { Autosave } from "./autosave.js";
import { RunView } from "./run.js";

const $ = (id) => document.getElementById(id);
const mode = new Compartment();
let editor, autosave, session, languages = [];

const view = new RunView(
  { output: $("output"), compile: $("compile"), compileBox: $("compile-box"), status: $("run-status"),
    facts: $("facts"), stdinForm: $("stdin-form") },
  () => {
    setRunning(false);
    loadHistory();
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
  const s = await api.createSession(lang, starter(lang)).catch(() => api.createSession("python", starter("python")));
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
  if (session.language === lang) editor.dispatch({ effects: mode.reconfigure(ext) });
}

async function run() {
  if (view.active) return;
  showError("");
  setRunning(true);
  const v = autosave.version;
  try {
    const r = await api.run({ sessionId: session.session_id, language: session.language, code: code(),
      interactive: $("interactive").checked });
    autosave.markSaved(v);
    view.start(r.executionId, $("interactive").checked);
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
    list = (await api.history(session.session_id)).executions;
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
  ({ languages } = await api.languages()); // first: a new session starts with its starter
  session = await openSession();
  autosave = new Autosave(session.session_id, () => ({ source_code: code(), language: session.language }), showSaveState);
  let text = session.source_code;
  const copy = autosave.unsavedCopy();
  if (copy && (copy.source_code !== text || copy.language !== session.language)) {
    text = copy.source_code; // typed on an earlier page but never saved
    session.language = copy.language;
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
        if (u.docChanged) autosave.changed();
      }),
    ],
  });
  setMode(session.language);
  if (text !== session.source_code) autosave.changed();
  else showSaveState("saved", "Saved");

  $("language").addEventListener("change", changeLanguage);
  $("run").addEventListener("click", run);
  $("cancel").addEventListener("click", () => view.cancel());
  $("stdin-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (view.sendStdin($("stdin").value + "\n")) $("stdin").value = "";
  });
  $("eof").addEventListener("click", () => view.closeStdin());
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
