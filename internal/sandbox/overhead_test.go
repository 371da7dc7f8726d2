// Overhead measurement: medians of a trivial program bare, under plain bubblewrap and in the
// full sandbox, run alternately so that load on the host affects all three alike.
package sandbox_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/sandbox"
)

func TestOverhead(t *testing.T) {
	if os.Getenv("SANDBOX_OVERHEAD") == "" {
		t.Skip("set SANDBOX_OVERHEAD=1 to measure")
	}
	b := setup(t, sandbox.Config{})
	l, _ := b.langs.Lookup("python")
	spec := sandbox.Spec{Language: l, Files: []execution.File{{Content: "pass"}}}
	bw := []string{"--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr",
		"--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
		"--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--chdir", "/tmp", "/usr/bin/python3", "-c", "pass"}
	var bare, plain, full []time.Duration
	for range 60 {
		s := time.Now()
		if err := exec.Command("/usr/bin/python3", "-c", "pass").Run(); err != nil {
			t.Fatal(err)
		}
		bare = append(bare, time.Since(s))
		s = time.Now()
		if out, err := exec.Command("/usr/bin/bwrap", bw...).CombinedOutput(); err != nil {
			t.Fatal(err, string(out))
		}
		plain = append(plain, time.Since(s))
		s = time.Now()
		if res, err := b.sb.Run(context.Background(), spec); err != nil || res.Status != execution.StatusCompleted {
			t.Fatal(err, res)
		}
		full = append(full, time.Since(s))
	}
	med := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
	t.Logf("median bare %v, plain bwrap %v, sandbox %v", med(bare), med(plain), med(full))
}
