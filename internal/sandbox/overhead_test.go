// Overhead measurement: medians of trivial programs run bare, under plain bubblewrap and in
// the full sandbox, run alternately so that load on the host affects all of them alike.

package sandbox_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/sandbox"
)

func TestOverhead(t *testing.T) {
	if os.Getenv("SANDBOX_OVERHEAD") == "" {
		t.Skip("set SANDBOX_OVERHEAD=1 to measure (SANDBOX_OVERHEAD_N runs each, default 100; SANDBOX_OVERHEAD_UID)")
	}
	n, _ := strconv.Atoi(os.Getenv("SANDBOX_OVERHEAD_N"))
	if n <= 0 {
		n = 100
	}
	// SANDBOX_OVERHEAD_UID moves the two uids it takes (default 69000 and 69001) out of the way
	// of other tests on the host.
	uid := 69000
	if v, err := strconv.Atoi(os.Getenv("SANDBOX_OVERHEAD_UID")); err == nil && v >= 1000 {
		uid = v
	}
	b := setup(t, sandbox.Config{UIDBase: uid, Slots: 1, Level: os.Getenv("SANDBOX")})
	py, _ := b.langs.Lookup("python")
	bin := trivialBinary(t)
	native := language.Language{ID: "native", SourceFile: "unused", Run: []string{bin}, Mounts: []string{filepath.Dir(bin)}}
	cases := []struct {
		name string
		run  func() error
	}{
		{"python bare", func() error { return exec.Command("/usr/bin/python3", "-c", "pass").Run() }},
		{"python plain bwrap", func() error { return plainBwrap(uid+1, "/usr/bin/python3", "-c", "pass").Run() }}, // not the slot's uid
		{"python sandbox", func() error { return sandboxRun(b.sb, py, "pass") }},
		{"binary bare", func() error { return exec.Command(bin).Run() }},
		{"binary sandbox", func() error { return sandboxRun(b.sb, native, "") }},
	}
	times := make([][]time.Duration, len(cases))
	for range n {
		for i, c := range cases {
			s := time.Now()
			if err := c.run(); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			times[i] = append(times[i], time.Since(s))
		}
	}
	med := make([]time.Duration, len(cases))
	for i, c := range cases {
		slices.Sort(times[i])
		med[i] = times[i][n/2]
		t.Logf("%-20s median %8.2f ms", c.name, float64(med[i].Microseconds())/1000)
	}
	t.Logf("added by the sandbox: python %.2f ms, binary %.2f ms; by plain bubblewrap: python %.2f ms",
		float64((med[2]-med[0]).Microseconds())/1000, float64((med[4]-med[3]).Microseconds())/1000,
		float64((med[1]-med[0]).Microseconds())/1000)
}

// plainBwrap is argv under bubblewrap with its namespaces and the toolchain, without anything
// of the sandbox's own (cgroup, rlimits, seccomp, work dir), run as uid: the floor of a jail.
func plainBwrap(uid int, argv ...string) *exec.Cmd {
	bw := []string{"--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr",
		"--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
		"--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--chdir", "/tmp"}
	c := exec.Command("/usr/bin/bwrap", append(bw, argv...)...)
	c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid), Groups: []uint32{}}}
	return c
}

func sandboxRun(sb *sandbox.Sandbox, l language.Language, code string) error {
	res, err := sb.Run(context.Background(), sandbox.Spec{Language: l, Files: []execution.File{{Content: code}}})
	if err == nil && res.Status != execution.StatusCompleted {
		return &exec.ExitError{}
	}
	return err
}

// trivialBinary compiles a C program that returns at once into a directory the sandbox uids
// can read, outside /tmp (the sandbox's own /tmp hides the host's).
func trivialBinary(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/var/tmp", "livecode-overhead-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "main.c")
	if err := os.WriteFile(src, []byte("int main(void) { return 0; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "prog")
	if out, err := exec.Command("/usr/bin/gcc", "-O2", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v: %s", err, out)
	}
	return bin
}
