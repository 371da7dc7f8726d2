// The compile cache and multi-file programs through a real `livecode serve`, and the server the
// language suites start.
package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// langResult is the part of an execution these tests read.
type langResult struct {
	Status        string  `json:"status"`
	Reason        string  `json:"reason"`
	Stdout        string  `json:"stdout"`
	Stderr        string  `json:"stderr"`
	CompileOutput string  `json:"compile_output"`
	CompileTimeMS *int64  `json:"compile_time_ms"`
	ExecTimeMS    int64   `json:"execution_time_ms"`
	ExitCode      *int    `json:"exit_code"`
	elapsed       float64 // seconds from POST to a terminal status, seen by the client
}

// startLanguages runs `livecode serve` with its own compile cache and no per-session limits;
// env adds to (and overrides) its environment.
func startLanguages(t testing.TB, uidBase int, env ...string) (*proc, string) {
	t.Helper()
	return startLanguagesOf(t, binary, uidBase, env...)
}

// startLanguagesOf is startLanguages with another build of livecode: bin.
func startLanguagesOf(t testing.TB, bin string, uidBase int, env ...string) (*proc, string) {
	t.Helper()
	cache := filepath.Join(t.TempDir(), "compile")
	// The sandbox uids must traverse to the cache's entries, which are bound into their runs.
	if err := os.Chmod(filepath.Dir(filepath.Dir(cache)), 0o711); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(cache), 0o755); err != nil {
		t.Fatal(err)
	}
	// A compile limit far past what any compile here needs, even on a slow, loaded host: the
	// tests of the limit set their own.
	p := startWith(t, bin, nil, "serve", append([]string{"DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "db.sqlite"), "WORKERS=2",
		"COMPILE_TIME_LIMIT_MS=120000",
		"COMPILE_CACHE_DIR=" + cache, fmt.Sprintf("SANDBOX_UID_BASE=%d", uidBase),
		"MAX_ACTIVE_PER_SESSION=0", "RUN_RATE_LIMIT=0"}, env...)...) // the last of a name wins
	var langs struct {
		Languages []struct {
			ID        string `json:"id"`
			Available bool   `json:"available"`
		} `json:"languages"`
	}
	if code := call(t, "GET", p.URL+"/languages", nil, &langs); code != 200 || len(langs.Languages) < len(baseLanguages) {
		t.Fatalf("GET /languages: %d, %d languages", code, len(langs.Languages))
	}
	for _, l := range langs.Languages {
		if slices.Contains(baseLanguages, l.ID) && !l.Available {
			t.Fatalf("language %s is not available: run `make toolchains`", l.ID)
		}
	}
	return p, cache
}

// runOnce runs code in a new session of lang with body's extras and waits for the end.
func runOnce(ctx context.Context, t testing.TB, base, lang, code string, body map[string]any) langResult {
	t.Helper()
	sid := newSession(t, base, lang, code)
	begin := time.Now()
	id := run(t, base, sid, body)
	r := awaitResult(ctx, t, base, id)
	r.elapsed = time.Since(begin).Seconds()
	return r
}

// awaitResult polls an execution until it is terminal.
func awaitResult(ctx context.Context, t testing.TB, base, id string) langResult {
	t.Helper()
	var r langResult
	for {
		if code := call(t, "GET", base+"/executions/"+id, nil, &r); code != 200 {
			t.Fatalf("GET execution %s: %d", id, code)
		}
		if terminal(r.Status) {
			return r
		}
		select {
		case <-ctx.Done():
			t.Fatalf("execution %s still %s: %v", id, r.Status, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func TestCompileCacheEndToEnd(t *testing.T) {
	t.Parallel()
	p, cache := startLanguages(t, 61600)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	t.Run("hit", func(t *testing.T) {
		code := "#include <stdio.h>\nint main(void) { puts(\"cached\"); return 0; }\n"
		first := runOnce(ctx, t, p.URL, "c", code, nil)
		second := runOnce(ctx, t, p.URL, "c", code, nil)
		for i, r := range []langResult{first, second} {
			if r.Status != "COMPLETED" || r.Stdout != "cached\n" {
				t.Fatalf("run %d: %s/%s stdout %q stderr %q", i, r.Status, r.Reason, r.Stdout, r.Stderr)
			}
		}
		if first.CompileTimeMS == nil || second.CompileTimeMS != nil {
			t.Fatalf("compile times %v then %v; want set then null", first.CompileTimeMS, second.CompileTimeMS)
		}
		if second.elapsed >= first.elapsed {
			t.Fatalf("cached run took %.3fs, first %.3fs", second.elapsed, first.elapsed)
		}
	})

	t.Run("concurrent compiles of one program", func(t *testing.T) {
		code := "#include <stdio.h>\nint main(void) { puts(\"together\"); return 0; }\n"
		const n = 4
		results := make([]langResult, n)
		sessions := make([]string, n)
		for i := range sessions {
			sessions[i] = newSession(t, p.URL, "c", code)
		}
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = awaitResult(ctx, t, p.URL, run(t, p.URL, sessions[i], nil))
			}()
		}
		wg.Wait()
		compiles := 0
		for i, r := range results {
			if r.Status != "COMPLETED" || r.Stdout != "together\n" {
				t.Fatalf("run %d: %s/%s stdout %q", i, r.Status, r.Reason, r.Stdout)
			}
			if r.CompileTimeMS != nil {
				compiles++
			}
		}
		if compiles != 1 {
			t.Fatalf("%d runs compiled, want exactly 1", compiles)
		}
	})

	t.Run("entries are read-only", func(t *testing.T) {
		ents, err := os.ReadDir(filepath.Join(cache, "objects"))
		if err != nil || len(ents) != 2 {
			t.Fatalf("cache entries %d (%v), want 2", len(ents), err)
		}
		for _, e := range ents {
			fi, err := os.Stat(filepath.Join(cache, "objects", e.Name(), "main"))
			if err != nil || fi.Mode().Perm() != 0o755 {
				t.Fatalf("artifact %v mode %v", err, fi.Mode())
			}
		}
	})
}

func TestMultiFilePrograms(t *testing.T) {
	t.Parallel()
	p, _ := startLanguages(t, 61700)
	file := func(name, content string) map[string]any { return map[string]any{"name": name, "content": content} }
	tests := []struct {
		name, lang string
		files      []any
		stdout     string
	}{
		{"python module", "python", []any{file("app.py", "import greet\ngreet.hello('files')\n"),
			file("greet.py", "def hello(who):\n    print('hello,', who)\n")}, "hello, files\n"},
		{"C header", "c", []any{file("main.c", "#include <stdio.h>\n#include \"twice.h\"\nint main(void) { printf(\"%d\\n\", twice(21)); return 0; }\n"),
			file("twice.h", "static inline int twice(int x) { return 2 * x; }\n")}, "42\n"},
		{"data file", "bash", []any{file("main.sh", "cat data.txt"), file("data.txt", "from a file\n")}, "from a file\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Its own deadline: a parallel subtest may wait long for its turn on a loaded host.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			got := runOnce(ctx, t, p.URL, tt.lang, "session code, not run", map[string]any{"files": tt.files})
			if got.Status != "COMPLETED" || got.Stdout != tt.stdout {
				t.Fatalf("got %s/%s stdout %q stderr %q compile output %q", got.Status, got.Reason, got.Stdout, got.Stderr, got.CompileOutput)
			}
		})
	}
	t.Run("path traversal refused", func(t *testing.T) {
		sid := newSession(t, p.URL, "python", "print(1)")
		for _, name := range []string{"../escape.py", "/etc/passwd", "..", "sub/dir.py", ".hidden"} {
			var prob struct {
				Errors []struct {
					Location string `json:"location"`
				} `json:"errors"`
			}
			body := map[string]any{"files": []any{file("main.py", "print(1)"), file(name, "x")}}
			code := call(t, "POST", p.URL+"/code-sessions/"+sid+"/run", body, &prob)
			if code != 422 || len(prob.Errors) == 0 || prob.Errors[0].Location != "body.files[1].name" {
				t.Errorf("%q: status %d errors %+v, want 422 at body.files[1].name", name, code, prob.Errors)
			}
		}
	})
}
