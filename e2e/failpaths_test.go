// End-to-end checks of what a program can reach around its run: a fake sandbox failure, an
// argument no kernel would take, sockets, descriptors the service inherited.
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

// TestSocketFamiliesRefused runs the attack corpus's socket-family programs through the API: a
// vsock socket (the VM's vsock port space, which no network namespace covers, the hypervisor at
// CID 2), packet, key, bluetooth and other sockets fail with EAFNOSUPPORT, while a unix
// socketpair, loopback TCP over IPv4 and IPv6 and netlink still work. Each program's stdout is
// the one its header declares.
func TestSocketFamiliesRefused(t *testing.T) {
	t.Parallel()
	p, _, _ := serveOwnSandbox(t, 72500, 1)
	for _, file := range []string{"py_vsock.py", "py_socket_families.py"} {
		code, want := corpusProgram(t, file)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		e := await(ctx, t, p.URL, run(t, p.URL, newSession(t, p.URL, "python", code), nil))
		cancel()
		if e.Status != "COMPLETED" || e.Stdout != want {
			t.Errorf("%s: got %s/%q stdout %q, want COMPLETED and %q", file, e.Status, e.Reason, e.Stdout, want)
		}
	}
}

// corpusProgram reads a program of the attack corpus and the stdout its header declares.
func corpusProgram(t *testing.T, file string) (code, stdout string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../testdata/attacks", file))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.Replace(line, "# [ipv6] stdout: ", "# stdout: ", 1) // the hosts this suite runs on have IPv6
		if q, ok := strings.CutPrefix(line, "# stdout: "); ok {
			if stdout, err = strconv.Unquote(q); err != nil {
				t.Fatalf("%s: stdout line: %v", file, err)
			}
		}
	}
	if stdout == "" {
		t.Fatalf("%s declares no stdout", file)
	}
	return string(b), stdout
}
