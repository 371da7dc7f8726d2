// Nothing of a run survives it: no process, no cgroup, no work directory.

package sandbox_test

import (
	"os"
	"path/filepath"
	"testing"

	"livecode/internal/execution"
	"livecode/internal/proctest"
	"livecode/internal/sandbox"
	"livecode/internal/testsvc"
)

func TestNothingSurvives(t *testing.T) {
	t.Parallel()
	const uidBase, slots = 66000, 4
	parent := "livecode-test-survive"
	work := t.TempDir()
	if err := os.Chmod(filepath.Dir(work), 0o711); err != nil {
		t.Fatal(err)
	}
	b := setup(t, sandbox.Config{UIDBase: uidBase, Slots: slots, CgroupParent: parent, WorkRoot: work})
	tests := []struct{ name, lang, code string }{
		{"background sleep", "bash", "sleep 1000 &\necho started"},
		{"double fork setsid", "python", "import os, subprocess\nsubprocess.Popen(['setsid', 'sleep', '1000'], start_new_session=True)\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        import time; time.sleep(1000)\nprint('started')"},
		{"ignores SIGTERM", "bash", "trap '' TERM; (trap '' TERM; sleep 1000) &\necho started"},
		{"stopped child", "bash", "sleep 1000 &\nkill -STOP $!\necho started"},
		{"fork bomb", "bash", ":(){ :|:& };:\nsleep 2"},
		{"kill -9 -1", "bash", "sleep 1000 &\nkill -9 -1\necho started"},
		{"plants a symlink", "bash", "ln -s /etc /work/etc-link; ln -s / /tmp/root; mkfifo /work/fifo; echo started"},
	}
	for _, tt := range tests {
		res := b.run(t, tt.lang, tt.code, "", execution.Limits{TimeLimitMS: testsvc.ScaleMS(30000), MaxProcesses: 32})
		if res.Status == execution.StatusTimeout {
			t.Errorf("%s: timed out", tt.name)
		}
		if pids := sandboxProcesses(t, uidBase, slots, false); len(pids) > 0 {
			t.Errorf("%s: processes survive the run: %v", tt.name, pids)
		}
		b.sb.Wait() // the cgroups and the work dir go just after the result
		// The service is a subreaper and reaps the run's orphans: not even a zombie is left.
		if pids := sandboxProcesses(t, uidBase, slots, true); len(pids) > 0 {
			t.Errorf("%s: processes or zombies left after the teardown: %v", tt.name, pids)
		}
		if left := runCgroups(parent); len(left) > 0 {
			t.Errorf("%s: run cgroups left: %v", tt.name, left)
		}
		if left := workLeft(work); len(left) > 0 {
			t.Errorf("%s: work dirs left: %v", tt.name, left)
		}
	}
	// The host files the planted links pointed at are untouched.
	if _, err := os.Stat("/etc/passwd"); err != nil {
		t.Fatalf("host file gone: %v", err)
	}
}

// sandboxProcesses lists host pids whose real uid is one of the sandbox's, zombies included
// when zombies is set.
func sandboxProcesses(t *testing.T, base, slots int, zombies bool) []int {
	t.Helper()
	pids, err := proctest.ByUID(base, base+slots, zombies)
	if err != nil {
		t.Fatal(err)
	}
	return pids
}
