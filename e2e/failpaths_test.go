// End-to-end checks of the sandbox's failure paths: a program cannot pass for a sandbox failure.
package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestProgramCannotFakeSandboxFailure runs a program that prints what bubblewrap prints when its
// setup fails and exits 1 as bubblewrap does: it is the program's result, run once, its stderr kept.
func TestProgramCannotFakeSandboxFailure(t *testing.T) {
	t.Parallel()
	p := start(t, "serve", "DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "db.sqlite"), "WORKERS=1")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const msg = "bwrap: Creating new namespace failed: Operation not permitted"
	id := run(t, p.URL, newSession(t, p.URL, "bash", "echo '"+msg+"' >&2; exit 1"), nil)
	e := await(ctx, t, p.URL, id)
	var full struct {
		Stderr string `json:"stderr"`
	}
	call(t, "GET", p.URL+"/executions/"+id, nil, &full)
	if e.Status != "FAILED" || e.Reason != "exit_nonzero" || e.ExitCode == nil || *e.ExitCode != 1 {
		t.Fatalf("got %s %q exit %v, want FAILED exit_nonzero exit 1 (%+v)", e.Status, e.Reason, e.ExitCode, e)
	}
	if e.Attempts != 1 {
		t.Errorf("attempts %d, want 1: a program's own failure is never retried", e.Attempts)
	}
	if !strings.Contains(full.Stderr, msg) {
		t.Errorf("stderr %q, want the program's message kept", full.Stderr)
	}
}
