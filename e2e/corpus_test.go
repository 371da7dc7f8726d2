// The language corpus: testdata/languages/<id>.txtar holds each language's test programs.

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/txtar"
)

// program is one language's test corpus entry: hello prints "hello, world"; stdin reads one
// word and prints "hi <word>"; compileError (compiled languages only) refers to the undefined
// name undefined_name, which every compiler names in its message; runtimeError exits non-zero
// (or by a signal, when the archive's comment says "runtime_error: signal"); loop never ends;
// hog allocates memory until the run's limit stops it; library, when present, imports the
// language's default libraries and prints libraryStdout.
type program struct {
	hello, stdin, compileError, runtimeError, loop, hog string
	runtimeReason                                       string
	library, libraryStdout                              string
}

// baseLanguages are the languages `make toolchains` has always installed: the suites other than
// TestEveryLanguage use them, and a server without them fails its start in those suites.
var baseLanguages = []string{"bash", "c", "cpp", "go", "java", "javascript", "lua", "perl", "php", "python", "ruby", "rust", "typescript"}

// corpus is every language's entry, by language id.
var corpus = mustLoadCorpus("testdata/languages")

func mustLoadCorpus(dir string) map[string]program {
	c, err := loadCorpus(dir)
	if err != nil {
		panic(err)
	}
	return c
}

func loadCorpus(dir string) (map[string]program, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("corpus %s: %d archives (%v)", dir, len(names), err)
	}
	out := map[string]program{}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		a := txtar.Parse(b)
		files := map[string]string{}
		for _, f := range a.Files {
			files[f.Name] = string(f.Data)
		}
		p := program{hello: files["hello"], stdin: files["stdin"], compileError: files["compile_error"],
			runtimeError: files["runtime_error"], loop: files["loop"], hog: files["hog"],
			runtimeReason: "exit_nonzero", library: files["library"], libraryStdout: files["library_stdout"]}
		if strings.Contains(string(a.Comment), "runtime_error: signal") {
			p.runtimeReason = "signal"
		}
		if p.hello == "" || p.stdin == "" || p.runtimeError == "" || p.loop == "" || p.hog == "" || (p.library == "") != (p.libraryStdout == "") {
			return nil, fmt.Errorf("corpus %s: hello, stdin, runtime_error, loop and hog are required, library and library_stdout go together", name)
		}
		out[strings.TrimSuffix(filepath.Base(name), ".txtar")] = p
	}
	return out, nil
}
