// End-to-end checks of the sandbox's failure paths: a program cannot pass for a sandbox failure,
// an argument no kernel would take never reaches a slot, and the service's descriptors never
// reach a program.
package e2e

import (
	"context"
	"os"
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

// TestHugeArgumentNeverTakesASlot sends an argument as long as the one that once hung a worker
// slot for good (131072 bytes: past the kernel's limit for one argument): it is refused at
// admission naming the field, and the service's only slot still runs the next program.
func TestHugeArgumentNeverTakesASlot(t *testing.T) {
	t.Parallel()
	p := start(t, "serve", "DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "db.sqlite"), "WORKERS=1")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sid := newSession(t, p.URL, "python", "import sys\nprint(len(sys.argv[1]))")
	var problem struct {
		Status int `json:"status"`
		Errors []struct {
			Location string `json:"location"`
		} `json:"errors"`
	}
	body := map[string]any{"args": []string{strings.Repeat("x", 131072)}}
	if code := call(t, "POST", p.URL+"/code-sessions/"+sid+"/run", body, &problem); code != 422 {
		t.Fatalf("run with a 131072-byte argument: %d, want 422", code)
	}
	if len(problem.Errors) == 0 || problem.Errors[0].Location != "body.args[0]" {
		t.Errorf("problem %+v, want the field body.args[0] named", problem)
	}
	e := await(ctx, t, p.URL, run(t, p.URL, sid, map[string]any{"args": []string{"abc"}}))
	if e.Status != "COMPLETED" || e.Stdout != "3\n" {
		t.Errorf("the next run: %s %q, want COMPLETED \"3\\n\"", e.Status, e.Stdout)
	}
}

// TestInheritedDescriptorsNeverReachAProgram starts the service the way a careless parent
// would, with descriptors 3-20 open on a host file, and runs a program that looks for any
// descriptor past 2: it finds none, and the file is unchanged.
func TestInheritedDescriptorsNeverReachAProgram(t *testing.T) {
	t.Parallel()
	const secret = "host-file-behind-an-inherited-descriptor"
	path := filepath.Join(t.TempDir(), "host-file")
	if err := os.WriteFile(path, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inherit := make([]*os.File, 18) // descriptors 3 to 20
	for i := range inherit {
		inherit[i] = f
	}
	p := startWith(t, binary, inherit, "serve", "DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "db.sqlite"), "WORKERS=1")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := `import os
for fd in range(3, 1024):
    try:
        os.lseek(fd, 0, 0)
        print("open", fd, os.read(fd, 100), flush=True)
        os.write(fd, b"written from the sandbox")
    except OSError:
        pass
print("done")`
	e := await(ctx, t, p.URL, run(t, p.URL, newSession(t, p.URL, "python", code), nil))
	if e.Status != "COMPLETED" || e.Stdout != "done\n" {
		t.Errorf("got %s %q, want COMPLETED with no descriptor past 2 open", e.Status, e.Stdout)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != secret {
		t.Errorf("host file now %q (%v), want it unchanged", b, err)
	}
}
