// Cross-process single build: the test binary re-executed as other workers of the host.

package compilecache_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"livecode/internal/compilecache"
)

// Environment of a re-executed worker process.
const (
	envDir = "LIVECODE_COMPILECACHE_TEST_DIR"
	envLog = "LIVECODE_COMPILECACHE_TEST_LOG"
)

// TestWorkerProcess is not a test on its own: it is the body of a second process of
// TestCrossProcessSingleBuild, and skips unless started by it.
func TestWorkerProcess(t *testing.T) {
	dir := os.Getenv(envDir)
	if dir == "" {
		t.Skip("runs only as a worker process of TestCrossProcessSingleBuild")
	}
	c, err := compilecache.Open(dir, compilecache.Bounds{MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	out, hit := buildLogged(t, c, os.Getenv(envLog))
	fmt.Printf("hit=%v artifact=%s\n", hit, out)
}

// buildLogged runs Do on the shared key with a slow build that appends a line to logPath.
func buildLogged(t *testing.T, c *compilecache.Cache, logPath string) (artifact string, hit bool) {
	t.Helper()
	dir, release, hit, err := c.Do(context.Background(), key("cross-process"), func(ctx context.Context, out string) error {
		f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		fmt.Fprintf(f, "build by %d\n", os.Getpid())
		f.Close()
		time.Sleep(500 * time.Millisecond) // every process arrives while this build runs
		return writeFiles(map[string]string{"main": "built-once"})(ctx, out)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	return readFile(t, filepath.Join(dir, "main")), hit
}

func TestCrossProcessSingleBuild(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "cache")
	c, err := compilecache.Open(dir, compilecache.Bounds{MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(t.TempDir(), "builds.log")
	const workers = 3
	cmds := make([]*exec.Cmd, workers)
	outs := make([]*bytes.Buffer, workers)
	for i := range cmds {
		outs[i] = &bytes.Buffer{}
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestWorkerProcess$", "-test.count=1")
		cmds[i].Env = append(os.Environ(), envDir+"="+dir, envLog+"="+logPath)
		cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	artifact, _ := buildLogged(t, c, logPath)
	hits := 0
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("worker %d: %v\n%s", i, err, outs[i])
		}
		if !strings.Contains(outs[i].String(), "artifact=built-once") {
			t.Fatalf("worker %d output:\n%s", i, outs[i])
		}
		if strings.Contains(outs[i].String(), "hit=true") {
			hits++
		}
	}
	if artifact != "built-once" {
		t.Fatalf("artifact %q", artifact)
	}
	builds := strings.Count(readFile(t, logPath), "build by")
	if builds != 1 {
		t.Fatalf("%d builds across %d processes, want 1:\n%s", builds, workers+1, readFile(t, logPath))
	}
	if hits < workers-1 { // the builder is one of the workers or this process
		t.Fatalf("%d worker hits, want at least %d", hits, workers-1)
	}
}
