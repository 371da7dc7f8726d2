// Test harness: builds the livecode binary once and runs it as real processes.

// Package e2e tests livecode end to end: the real binary as serve, api and worker processes, on
// real SQLite, PostgreSQL, Redis and bubblewrap.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"livecode/internal/testsvc"
)

// timeGrace is how long past its time limit a run may take to end, setup and teardown included,
// on the slowest, most loaded host the suite must pass on (3x slower than a fast one, with a CPU
// hog beside it). Assertions of "ended by the limit" use it; nothing asserts a speed.
const timeGrace = 5 * time.Second

var binary string // path of the livecode binary built by TestMain

// client bounds every request, so a hung server fails a test instead of hanging it.
var client = &http.Client{Timeout: 30 * time.Second}

// binaryEnv names a prebuilt livecode binary to test instead of building one: a nested kernel
// (make test-cgroup2) runs neither the Go toolchain's race detector nor a build quickly.
const binaryEnv = "LIVECODE_BINARY"

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("e2e: skipped under -short: every test runs the service as root with its sandbox, Redis or PostgreSQL")
		os.Exit(0)
	}
	if binary = os.Getenv(binaryEnv); binary != "" {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "livecode-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "livecode")
	// Tests run the binary with the race detector; benchmarks measure it as it ships.
	args := []string{"build", "-race", "-o", binary, "../cmd/livecode"}
	if b := flag.Lookup("test.bench"); b != nil && b.Value.String() != "" {
		args = []string{"build", "-o", binary, "../cmd/livecode"}
	}
	build := exec.Command("go", args...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build livecode:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a running livecode process.
type proc struct {
	t    testing.TB
	cmd  *exec.Cmd
	URL  string
	logs *logBuffer
	done chan struct{}
}

// freePort returns a TCP port nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// start runs `livecode <role>` with env (KEY=VALUE) on a free port and waits for /healthz.
func start(t testing.TB, role string, env ...string) *proc {
	t.Helper()
	return startWith(t, binary, nil, role, env...)
}

// startWith is start with another build of livecode (bin) and files the process inherits as
// descriptors 3, 4, ….
func startWith(t testing.TB, bin string, inherit []*os.File, role string, env ...string) *proc {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(bin, role)
	cmd.ExtraFiles = inherit
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), append([]string{"PORT=" + strconv.Itoa(port), "LOG_LEVEL=debug"}, env...)...)
	logs := &logBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, URL: "http://127.0.0.1:" + strconv.Itoa(port), logs: logs, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.shutdown()
		if t.Failed() {
			t.Logf("%s %s logs:\n%s", role, p.URL, tail(logs.String(), 4000))
		}
	})
	testsvc.Await(t, 20*time.Second, func() error {
		select {
		case <-p.done:
			t.Fatalf("livecode %s exited early: %s", role, logs.String())
		default:
		}
		if resp, err := http.Get(p.URL + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		return fmt.Errorf("livecode %s did not become healthy: %s", role, logs.String())
	})
	return p
}

// kill SIGKILLs the process and waits for it.
func (p *proc) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// shutdown stops the process as an operator would, so that it removes what it made on the host
// (its sandbox instance: work dir, /dev mount, cgroups); past a short grace, or when it is
// already gone, it kills it.
func (p *proc) shutdown() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.kill()
	}
}

// stop sends SIGTERM and waits; it returns the exit code.
func (p *proc) stop() int {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		p.t.Fatal("process did not stop within 60s of SIGTERM")
	}
	return p.cmd.ProcessState.ExitCode()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// logBuffer collects a process's output; tests read it while the process writes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// call sends a JSON request and decodes a JSON answer into out (when non-nil); it returns the status.
func call(t testing.TB, method, url string, body, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, url, raw, err)
		}
	}
	return resp.StatusCode
}

// execution is the subset of GET /executions/{id} the tests read.
type execution struct {
	ID       string `json:"execution_id"`
	Status   string `json:"status"`
	Stdout   string `json:"stdout"`
	Reason   string `json:"reason"`
	ExitCode *int   `json:"exit_code"`
	Attempts int    `json:"attempts"`
}

func terminal(s string) bool {
	return s == "COMPLETED" || s == "FAILED" || s == "TIMEOUT" || s == "CANCELLED"
}

// await polls an execution every 2 ms until it is terminal or the context ends.
func await(ctx context.Context, t testing.TB, base, id string) execution {
	t.Helper()
	return awaitEvery(ctx, t, base, id, 2*time.Millisecond)
}

// awaitStatus waits until an execution has status (RUNNING, say), within a minute.
func awaitStatus(t testing.TB, base, id, status string) {
	t.Helper()
	testsvc.Eventually(t, time.Minute, "execution "+id+" "+status, func() bool {
		var e execution
		call(t, "GET", base+"/executions/"+id, nil, &e)
		return e.Status == status
	})
}

// awaitEvery polls an execution every interval until it is terminal or the context ends.
func awaitEvery(ctx context.Context, t testing.TB, base, id string, interval time.Duration) execution {
	t.Helper()
	var e execution
	for {
		if code := call(t, "GET", base+"/executions/"+id, nil, &e); code != 200 {
			t.Fatalf("GET execution %s: %d", id, code)
		}
		if terminal(e.Status) {
			return e
		}
		select {
		case <-ctx.Done():
			t.Fatalf("execution %s still %s: %v", id, e.Status, ctx.Err())
		case <-time.After(interval):
		}
	}
}
