// The service is a child subreaper: the orphans a run leaves, under bubblewrap or gVisor, are
// reaped by its teardown, so no zombie child of the service remains.

package sandbox_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"livecode/internal/execution"
	"livecode/internal/proctest"
	"livecode/internal/sandbox"
)

// TestNoZombiesLeft is not parallel: while it looks for zombie children of the test process, no
// other test has children of its own.
func TestNoZombiesLeft(t *testing.T) {
	levels := []string{"bwrap"}
	if _, err := os.Stat("/usr/bin/runsc"); err == nil {
		levels = append(levels, "gvisor")
	}
	// Zombies already there belong to the teardown of sandboxes that earlier tests of this
	// process closed (a runsc process that exits after its Sandbox's Close has no reaper left);
	// only those this test's runs leave count.
	before := map[string]bool{}
	for _, z := range zombieChildren(t) {
		before[z] = true
	}
	for i, level := range levels {
		t.Run(level, func(t *testing.T) {
			work := t.TempDir()
			if err := os.Chmod(filepath.Dir(work), 0o711); err != nil {
				t.Fatal(err)
			}
			const parent = "livecode-test-zombies"
			t.Cleanup(func() { proctest.RemoveCgroups(parent) }) // after the Sandbox's Close
			b := setup(t, sandbox.Config{Level: level, UIDBase: 71050 + 10*i, Slots: 2, WorkRoot: work,
				CgroupParent: parent})
			for _, code := range []string{
				":(){ :|:& };:\nsleep 2",
				"(setsid sleep 1000 &) ; (sleep 1000 &) ; echo started",
			} {
				if res := b.run(t, "bash", code, "", execution.Limits{TimeLimitMS: 2000, MaxProcesses: 32}); !res.Status.Terminal() {
					t.Fatalf("%q: %s", code, res.Status)
				}
			}
			b.sb.Wait()
			var left []string
			for _, z := range zombieChildren(t) {
				if !before[z] {
					left = append(left, z)
				}
			}
			if len(left) > 0 {
				t.Errorf("zombie children of the service after the runs' teardown: %v", left)
			}
		})
	}
}

// zombieChildren lists this process's zombie children, with their uids.
func zombieChildren(t *testing.T) []string {
	t.Helper()
	tasks, err := filepath.Glob("/proc/self/task/*/children")
	if err != nil {
		t.Fatal(err)
	}
	var zombies []string
	for _, task := range tasks {
		b, _ := os.ReadFile(task)
		for _, pid := range strings.Fields(string(b)) {
			status, err := os.ReadFile("/proc/" + pid + "/status")
			if err != nil || !strings.Contains(string(status), "State:\tZ") {
				continue
			}
			_, uid, _ := strings.Cut(string(status), "Uid:\t")
			uid, _, _ = strings.Cut(uid, "\t")
			_, name, _ := strings.Cut(string(status), "Name:\t")
			name, _, _ = strings.Cut(name, "\n")
			zombies = append(zombies, pid+" "+name+" uid "+uid)
		}
	}
	return zombies
}
