// Every language through a real `livecode serve`: its starter, hello world, stdin, a compile
// error, a runtime error, an endless loop, a memory hog and its default libraries.

package e2e

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// allLanguagesRequired reports whether a language whose toolchain is missing fails the suite
// rather than skipping: in CI, and after `make toolchains` installed the full set (make test).
func allLanguagesRequired() bool {
	return os.Getenv("CI") != "" || os.Getenv("LIVECODE_ALL_LANGUAGES") == "1"
}

// everyLanguageUIDBase: TestEveryLanguage's server runs on uids from here.
const everyLanguageUIDBase = 82000

func TestEveryLanguage(t *testing.T) {
	t.Parallel()
	// Two workers, as many as the host has cores; the subtests run in parallel up to
	// go test's -parallel (GOMAXPROCS), so the queue stays short and each run's wait bounded.
	p, _ := startLanguages(t, everyLanguageUIDBase, "WORKERS=2")
	var langs struct {
		Languages []struct {
			ID          string `json:"id"`
			Available   bool   `json:"available"`
			Compiled    bool   `json:"compiled"`
			StarterCode string `json:"starter_code"`
			Libraries   []struct {
				Name string `json:"name"`
			} `json:"libraries"`
		} `json:"languages"`
	}
	if code := call(t, "GET", p.URL+"/languages", nil, &langs); code != 200 {
		t.Fatalf("GET /languages: %d", code)
	}
	var ids []string
	for _, l := range langs.Languages {
		ids = append(ids, l.ID)
		if _, ok := corpus[l.ID]; !ok {
			t.Errorf("language %s has no corpus entry in testdata/languages: every language is proven here", l.ID)
		}
	}
	for id := range corpus {
		if !slices.Contains(ids, id) {
			t.Errorf("corpus entry %s names no language of GET /languages", id)
		}
	}
	for _, l := range langs.Languages {
		prog, ok := corpus[l.ID]
		if !ok {
			continue
		}
		t.Run(l.ID, func(t *testing.T) {
			t.Parallel()
			if !l.Available {
				if allLanguagesRequired() {
					t.Fatalf("toolchain of %s is not installed: make toolchains", l.ID)
				}
				t.Skipf("toolchain of %s is not installed (LANGUAGES=%s make toolchains)", l.ID, l.ID)
			}
			if prog.library != "" && len(l.Libraries) == 0 {
				t.Errorf("the corpus imports libraries, but GET /languages lists none installed")
			}
			if l.Compiled != (prog.compileError != "") {
				t.Fatalf("compiled %v, but the corpus has compile_error %q", l.Compiled, prog.compileError)
			}
			// The deadline starts when the subtest does: its turn may come late on a loaded host.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			for _, c := range languageCases(l.StarterCode, prog) {
				got := runOnce(ctx, t, p.URL, l.ID, c.code, c.body)
				if got.Status != c.status || !slices.Contains(strings.Split(c.reason, "|"), got.Reason) || (c.status == "COMPLETED" && got.Stdout != c.stdout) {
					t.Errorf("%s: got %s/%s stdout %q stderr %q compile output %q; want %s/%s stdout %q", c.name,
						got.Status, got.Reason, clipped(got.Stdout), clipped(got.Stderr), clipped(got.CompileOutput), c.status, c.reason, c.stdout)
					continue
				}
				if c.reason == "compile_error" && (!strings.Contains(strings.ToLower(got.CompileOutput), "undefined_name") || got.CompileTimeMS == nil) {
					t.Errorf("%s: compile output %q does not name undefined_name (compile time %v)", c.name, got.CompileOutput, got.CompileTimeMS)
				}
				t.Logf("%-13s %-9s %-12s %6.2fs", c.name, got.Status, got.Reason, got.elapsed)
			}
		})
	}
}

// languageCase is one run of a language's corpus and its expected end.
type languageCase struct {
	name, code string
	body       map[string]any
	status     string
	reason     string // the expected reason; "a|b" accepts either
	stdout     string
}

// languageCases are the runs that prove one language. The loop gets a short time limit: it
// ends TIMEOUT whatever the runtime's start-up cost, by the wall clock or, for a runtime whose
// compiler threads add CPU time beside the loop's, by the CPU-time backstop.
func languageCases(starter string, p program) []languageCase {
	cases := []languageCase{
		{name: "starter", code: starter, status: "COMPLETED", stdout: "hello, world\n"},
		{name: "hello", code: p.hello, status: "COMPLETED", stdout: "hello, world\n"},
		{name: "stdin", code: p.stdin, body: map[string]any{"stdin": "livecode\n"}, status: "COMPLETED", stdout: "hi livecode\n"},
	}
	if p.compileError != "" {
		cases = append(cases, languageCase{name: "compile error", code: p.compileError, status: "FAILED", reason: "compile_error"})
	}
	cases = append(cases,
		languageCase{name: "runtime error", code: p.runtimeError, status: "FAILED", reason: p.runtimeReason},
		languageCase{name: "loop", code: p.loop, body: map[string]any{"time_limit_ms": 2000}, status: "TIMEOUT", reason: "time_limit|cpu_limit"},
		// The hog's time limit is far past what filling its memory limit takes on a busy host.
		languageCase{name: "memory hog", code: p.hog, body: map[string]any{"time_limit_ms": 30000}, status: "FAILED", reason: "memory_limit"})
	if p.library != "" {
		cases = append(cases, languageCase{name: "libraries", code: p.library, body: map[string]any{"time_limit_ms": 20000},
			status: "COMPLETED", stdout: p.libraryStdout})
	}
	return cases
}

// clipped shortens s for a failure message.
func clipped(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}
