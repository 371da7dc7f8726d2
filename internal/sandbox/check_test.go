// Tests of the host checks: a ready host passes, a taken uid range fails.

package sandbox_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"livecode/internal/proctest"
	"livecode/internal/sandbox"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	const uidBase, slots = 73100, 2
	cfg := sandbox.Config{UIDBase: uidBase, Slots: slots, CgroupParent: "livecode-test-check", WorkRoot: t.TempDir()}
	t.Cleanup(func() { proctest.RemoveCgroups(cfg.CgroupParent) })
	// Its own uids: the failing trial run leaves bubblewrap processes that this host's init reaps late.
	unreachable := cfg
	unreachable.UIDBase = uidBase + 10
	if f := byNameOf(sandbox.Check(context.Background(), unreachable))["work dir"]; f.OK || !strings.Contains(f.Hint, "chmod o+x") {
		t.Errorf("work root under a 0700 dir: %+v, want a fatal finding with a chmod hint", f)
	}
	if err := os.Chmod(filepath.Dir(cfg.WorkRoot), 0o711); err != nil { // as setup does
		t.Fatal(err)
	}
	got := byNameOf(sandbox.Check(context.Background(), cfg))
	for _, name := range []string{"root", "bubblewrap", "user namespaces", "cgroups", "seccomp", "sandbox uids", "work dir", "trivial run"} {
		if f, ok := got[name]; !ok || !f.OK {
			t.Errorf("%s: %+v, want OK on this host", name, f)
		}
	}

	// A process living under a sandbox uid makes the range unusable.
	sleeper := exec.Command("/bin/sleep", "60")
	sleeper.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uidBase + 1, Gid: uidBase + 1}}
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sleeper.Process.Kill(); _ = sleeper.Wait() })
	f := byNameOf(sandbox.Check(context.Background(), cfg))["sandbox uids"]
	if f.OK || !f.Fatal || !strings.Contains(f.Detail, "uid 73101") || f.Hint == "" {
		t.Errorf("with a process under uid %d: %+v, want a fatal finding naming it", uidBase+1, f)
	}
}

func byNameOf(fs []sandbox.Finding) map[string]sandbox.Finding {
	m := map[string]sandbox.Finding{}
	for _, f := range fs {
		m[f.Name] = f
	}
	return m
}
