// Editor support for each livecode language (their starter programs come from GET /languages).

// Each language's parser is its own chunk, loaded when a session first needs it, so the page
// starts with the editor alone.
const legacy = (load) => async () => {
  const [{ StreamLanguage }, mode] = await Promise.all([import("@codemirror/language"), load()]);
  return StreamLanguage.define(mode);
};

const modes = {
  python: async () => (await import("@codemirror/lang-python")).python(),
  javascript: async () => (await import("@codemirror/lang-javascript")).javascript(),
  typescript: async () => (await import("@codemirror/lang-javascript")).javascript({ typescript: true }),
  c: async () => (await import("@codemirror/lang-cpp")).cpp(),
  cpp: async () => (await import("@codemirror/lang-cpp")).cpp(),
  java: async () => (await import("@codemirror/lang-java")).java(),
  rust: async () => (await import("@codemirror/lang-rust")).rust(),
  go: async () => (await import("@codemirror/lang-go")).go(),
  php: async () => (await import("@codemirror/lang-php")).php(),
  bash: legacy(async () => (await import("@codemirror/legacy-modes/mode/shell")).shell),
  lua: legacy(async () => (await import("@codemirror/legacy-modes/mode/lua")).lua),
  perl: legacy(async () => (await import("@codemirror/legacy-modes/mode/perl")).perl),
  ruby: legacy(async () => (await import("@codemirror/legacy-modes/mode/ruby")).ruby),
  elixir: legacy(async () => (await import("@codemirror/legacy-modes/mode/ruby")).ruby), // close enough: do/end blocks, atoms, strings
  csharp: legacy(async () => (await import("@codemirror/legacy-modes/mode/clike")).csharp),
  kotlin: legacy(async () => (await import("@codemirror/legacy-modes/mode/clike")).kotlin),
  scala: legacy(async () => (await import("@codemirror/legacy-modes/mode/clike")).scala),
  objectivec: legacy(async () => (await import("@codemirror/legacy-modes/mode/clike")).objectiveC),
  ocaml: legacy(async () => (await import("@codemirror/legacy-modes/mode/mllike")).oCaml),
  sql: legacy(async () => (await import("@codemirror/legacy-modes/mode/sql")).sqlite),
  scheme: legacy(async () => (await import("@codemirror/legacy-modes/mode/scheme")).scheme),
  racket: legacy(async () => (await import("@codemirror/legacy-modes/mode/scheme")).scheme),
  commonlisp: legacy(async () => (await import("@codemirror/legacy-modes/mode/commonlisp")).commonLisp),
  clojure: legacy(async () => (await import("@codemirror/legacy-modes/mode/clojure")).clojure),
  cobol: legacy(async () => (await import("@codemirror/legacy-modes/mode/cobol")).cobol),
  crystal: legacy(async () => (await import("@codemirror/legacy-modes/mode/crystal")).crystal),
  forth: legacy(async () => (await import("@codemirror/legacy-modes/mode/forth")).forth),
  fortran: legacy(async () => (await import("@codemirror/legacy-modes/mode/fortran")).fortran),
  pascal: legacy(async () => (await import("@codemirror/legacy-modes/mode/pascal")).pascal),
  d: legacy(async () => (await import("@codemirror/legacy-modes/mode/d")).d),
  r: legacy(async () => (await import("@codemirror/legacy-modes/mode/r")).r),
  tcl: legacy(async () => (await import("@codemirror/legacy-modes/mode/tcl")).tcl),
  erlang: legacy(async () => (await import("@codemirror/legacy-modes/mode/erlang")).erlang),
  haskell: legacy(async () => (await import("@codemirror/legacy-modes/mode/haskell")).haskell),
  groovy: legacy(async () => (await import("@codemirror/legacy-modes/mode/groovy")).groovy),
};

// editorLanguage resolves to the CodeMirror extension for a language id; [] for one without
// support or whose chunk could not be loaded (the editor still works, without highlighting).
export async function editorLanguage(id) {
  const m = modes[id];
  if (!m) return [];
  try {
    return await m();
  } catch {
    return [];
  }
}
