// End-to-end checks of the sandbox's failure paths: a program cannot pass for a sandbox failure.
package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
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

// TestSocketFamiliesRefused runs the attack corpus's socket-family programs through the API: a
// vsock socket (the VM's vsock port space, which no network namespace covers, the hypervisor at
// CID 2), packet, key, bluetooth and other sockets fail with EAFNOSUPPORT, while a unix
// socketpair, loopback TCP over IPv4 and IPv6 and netlink still work. Each program's stdout is
// the one its header declares.
func TestSocketFamiliesRefused(t *testing.T) {
	t.Parallel()
	p, _ := serveOwnSandbox(t, 72500, 1)
	for _, file := range []string{"py_vsock.py", "py_socket_families.py"} {
		b, err := os.ReadFile(filepath.Join("../testdata/attacks", file))
		if err != nil {
			t.Fatal(err)
		}
		var want string
		for _, line := range strings.Split(string(b), "\n") {
			if q, ok := strings.CutPrefix(line, "# stdout: "); ok {
				if want, err = strconv.Unquote(q); err != nil {
					t.Fatalf("%s: stdout line: %v", file, err)
				}
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		e := await(ctx, t, p.URL, run(t, p.URL, newSession(t, p.URL, "python", string(b)), nil))
		cancel()
		if want == "" || e.Status != "COMPLETED" || e.Stdout != want {
			t.Errorf("%s: got %s/%q stdout %q, want COMPLETED and %q", file, e.Status, e.Reason, e.Stdout, want)
		}
	}
}
