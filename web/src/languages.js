// Editor support and a starter program for each livecode language.

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

const starters = {
  python: 'for i in range(3):\n    print(f"hello, world #{i}")\n',
  javascript: 'for (let i = 0; i < 3; i++) {\n  console.log(`hello, world #${i}`);\n}\n',
  typescript: 'const greet = (name: string): string => `hello, ${name}`;\nconsole.log(greet("world"));\n',
  c: '#include <stdio.h>\n\nint main(void) {\n    printf("hello, world\\n");\n    return 0;\n}\n',
  cpp: '#include <iostream>\n\nint main() {\n    std::cout << "hello, world" << std::endl;\n    return 0;\n}\n',
  java: 'public class Main {\n    public static void main(String[] args) {\n        System.out.println("hello, world");\n    }\n}\n',
  rust: 'fn main() {\n    println!("hello, world");\n}\n',
  go: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello, world")\n}\n',
  php: '<?php\necho "hello, world\\n";\n',
  bash: 'echo "hello, world"\n',
  lua: 'print("hello, world")\n',
  perl: 'print "hello, world\\n";\n',
  ruby: 'puts "hello, world"\n',
};

// starter is the program a new session of language id begins with.
export function starter(id) {
  return starters[id] ?? "";
}

// isStarter reports whether code is untouched starter code (or empty), which a switch of
// language may replace without losing work.
export function isStarter(code) {
  return code.trim() === "" || Object.values(starters).some((s) => s.trim() === code.trim());
}
