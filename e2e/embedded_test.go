// End-to-end tests of `livecode serve`: the whole flow through HTTP, the real sandbox, SIGKILL recovery.
package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"livecode/internal/testsvc"
)

// newSession creates a session and returns its id.
func newSession(t testing.TB, base, lang, code string) string {
	t.Helper()
	var s struct {
		ID string `json:"session_id"`
	}
	if code := call(t, "POST", base+"/code-sessions", map[string]any{"language": lang, "source_code": code}, &s); code != 201 {
		t.Fatalf("create session: %d", code)
	}
	return s.ID
}

// run queues a run of the session's code and returns the execution id.
func run(t testing.TB, base, session string, body map[string]any) string {
	t.Helper()
	var r struct {
		ID     string `json:"execution_id"`
		Status string `json:"status"`
	}
	var payload any // no body at all when there is nothing to say
	if body != nil {
		payload = body
	}
	if code := call(t, "POST", base+"/code-sessions/"+session+"/run", payload, &r); code != 202 || r.Status != "QUEUED" {
		t.Fatalf("run: %d %+v", code, r)
	}
	return r.ID
}

func TestEmbeddedPrograms(t *testing.T) {
	t.Parallel()
	p := start(t, "serve", "DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "db.sqlite"), "WORKERS=2")
	flood := "import sys\nwhile True: sys.stdout.write('x' * 65536)\n"
	tests := []struct {
		name, lang, code string
		limits           map[string]any
		status, reason   string
		stdout           string
		exit             int
		maxWall          time.Duration
	}{
		{name: "python hello", lang: "python", code: "print('hello, world')", status: "COMPLETED", stdout: "hello, world\n"},
		{name: "javascript hello", lang: "javascript", code: "console.log('hello, world')", status: "COMPLETED", stdout: "hello, world\n"},
		{name: "bash hello", lang: "bash", code: "echo 'hello, world'", status: "COMPLETED", stdout: "hello, world\n"},
		{name: "exit 3", lang: "python", code: "import sys; sys.exit(3)", status: "FAILED", reason: "exit_nonzero", exit: 3},
		{name: "infinite loop", lang: "python", code: "while True: pass", limits: map[string]any{"time_limit_ms": testsvc.ScaleMS(1000)},
			status: "TIMEOUT", reason: "time_limit", maxWall: testsvc.Scale(time.Second + timeGrace)},
		{name: "output flood", lang: "python", code: flood, status: "FAILED", reason: "output_limit",
			stdout: strings.Repeat("x", 1<<20)},
		{name: "memory hog", lang: "python", code: "b = []\nwhile True: b.append(bytearray(16 << 20))",
			limits: map[string]any{"memory_limit_mb": 64, "time_limit_ms": testsvc.ScaleMS(5000)}, status: "FAILED", reason: "memory_limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), testsvc.Scale(60*time.Second))
			defer cancel()
			id := run(t, p.URL, newSession(t, p.URL, tc.lang, tc.code), tc.limits)
			var full struct {
				execution
				Wall *int64 `json:"execution_time_ms"`
			}
			e := await(ctx, t, p.URL, id)
			call(t, "GET", p.URL+"/executions/"+id, nil, &full)
			if e.Status != tc.status || e.Reason != tc.reason {
				t.Fatalf("status %s reason %q, want %s %q (%+v)", e.Status, e.Reason, tc.status, tc.reason, e)
			}
			if tc.stdout != "" && e.Stdout != tc.stdout {
				t.Errorf("stdout is %d bytes %.40q…, want %d bytes %.40q…", len(e.Stdout), e.Stdout, len(tc.stdout), tc.stdout)
			}
			if tc.exit != 0 && (e.ExitCode == nil || *e.ExitCode != tc.exit) {
				t.Errorf("exit code %v, want %d", e.ExitCode, tc.exit)
			}
			if tc.maxWall > 0 && (full.Wall == nil || time.Duration(*full.Wall)*time.Millisecond > tc.maxWall) {
				t.Errorf("wall time %v ms, want at most %v", full.Wall, tc.maxWall)
			}
		})
	}
}

// TestEmbeddedRecoversAfterSIGKILL kills the process with executions queued and running, starts
// it again on the same database, and expects every execution to finish with its own output.
func TestEmbeddedRecoversAfterSIGKILL(t *testing.T) {
	t.Parallel()
	db := "DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "db.sqlite")
	p := start(t, "serve", db, "WORKERS=2")
	const n = 8
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := fmt.Sprintf("import time\ntime.sleep(0.5)\nprint('run %d')", i)
			ids[i] = run(t, p.URL, newSession(t, p.URL, "python", code), nil)
		}()
	}
	wg.Wait()
	// Killed with a run RUNNING (each sleeps 0.5 s) and the rest QUEUED.
	testsvc.Eventually(t, 30*time.Second, "a run RUNNING", func() bool {
		for _, id := range ids {
			var e execution
			if call(t, "GET", p.URL+"/executions/"+id, nil, &e); e.Status == "RUNNING" {
				return true
			}
		}
		return false
	})
	p.kill()

	p2 := start(t, "serve", db, "WORKERS=2")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i, id := range ids {
		e := await(ctx, t, p2.URL, id)
		if e.Status != "COMPLETED" || e.Stdout != fmt.Sprintf("run %d\n", i) {
			t.Errorf("execution %d: %s %q", i, e.Status, e.Stdout)
		}
	}
	if code := p2.stop(); code != 0 {
		t.Errorf("exit code after SIGTERM: %d, want 0", code)
	}
}
