// End-to-end checks of what a program can reach around its run: a fake sandbox failure, sockets, inherited descriptors.
package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
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

// TestInheritedDescriptorsHidden starts the service holding a descriptor without close-on-exec
// on a file with a secret, as a service started from a shell or a supervisor inherits some: a
// program finds no descriptor above stderr and never the secret.
func TestInheritedDescriptorsHidden(t *testing.T) {
	t.Parallel()
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("inherited-secret-e2e"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(secret)
	if err != nil {
		t.Fatal(err)
	}
	// Above the descriptors bubblewrap is given; free in this process, inherited by the next
	// process it starts (the service, or another test's, which is harmless).
	const fd = 211
	if _, err := unix.FcntlInt(fd, unix.F_GETFD, 0); err == nil {
		t.Fatalf("descriptor %d is taken", fd)
	}
	err = unix.Dup3(int(f.Fd()), fd, 0)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ := serveOwnSandbox(t, 72600, 1)
	unix.Close(fd)
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%d", p.cmd.Process.Pid, fd)); err != nil {
		t.Fatalf("the service did not inherit descriptor %d: %v", fd, err)
	} else if !strings.Contains(string(b), "flags:") {
		t.Fatalf("fdinfo %q", b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// The corpus's program lists every descriptor above stderr and reads what it holds.
	code, want := corpusProgram(t, "py_inherited_fds.py")
	e := await(ctx, t, p.URL, run(t, p.URL, newSession(t, p.URL, "python", code), nil))
	if e.Status != "COMPLETED" || e.Stdout != want {
		t.Fatalf("got %s/%q stdout %q, want COMPLETED and no descriptor above stderr", e.Status, e.Reason, e.Stdout)
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
