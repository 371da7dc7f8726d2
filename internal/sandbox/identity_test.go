// What a program can learn about the host from /proc: no service pid, no host work path, no
// run sequence; its cgroup is "/" in every hierarchy.

package sandbox_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"livecode/internal/execution"
	"livecode/internal/proctest"
	"livecode/internal/sandbox"
)

// identityProbe prints the files of /proc that name cgroups, commands and mounts.
const identityProbe = `for f in /proc/self/cgroup /proc/1/cmdline /proc/self/mountinfo; do
  echo "== $f"; tr '\0' ' ' < $f; echo
done`

func TestRunSeesNoHostIdentity(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	for _, dir := range []string{filepath.Dir(work), work} {
		if err := os.Chmod(dir, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	levels := []string{"bwrap"}
	if _, err := os.Stat("/usr/bin/runsc"); err == nil {
		levels = append(levels, "gvisor")
	}
	for i, level := range levels {
		t.Run(level, func(t *testing.T) {
			parent := "livecode-test-identity-" + level
			t.Cleanup(func() { proctest.RemoveCgroups(parent) }) // after the Sandbox's Close
			b := setup(t, sandbox.Config{Level: level, UIDBase: 71000 + 10*i, Slots: 1, WorkRoot: filepath.Join(work, level),
				CgroupParent: parent})
			var outputs []string
			for range 2 {
				res := b.run(t, "bash", identityProbe, "", execution.Limits{})
				if res.Status != execution.StatusCompleted {
					t.Fatalf("probe: %s %s %q", res.Status, res.Reason, res.Stderr)
				}
				outputs = append(outputs, res.Stdout)
			}
			for _, out := range outputs {
				sections := probeSections(out)
				for _, line := range strings.Split(strings.TrimSpace(sections["/proc/self/cgroup"]), "\n") {
					if parts := strings.SplitN(line, ":", 3); len(parts) == 3 && parts[2] != "/" {
						t.Errorf("cgroup line %q: want the run's own cgroup shown as /", line)
					}
				}
				pid := strconv.Itoa(os.Getpid())
				for _, f := range []string{"/proc/self/cgroup", "/proc/1/cmdline"} {
					for _, tok := range strings.FieldsFunc(sections[f], func(r rune) bool { return r < '0' || r > '9' }) {
						if tok == pid {
							t.Errorf("%s shows the service's pid %s: %q", f, pid, sections[f])
						}
					}
				}
				if strings.Contains(out, work) {
					t.Errorf("the host work path %s is visible:\n%s", work, out)
				}
			}
		})
	}
}

// probeSections splits identityProbe's output by file.
func probeSections(out string) map[string]string {
	m := map[string]string{}
	for _, sec := range strings.Split(out, "== ")[1:] {
		name, body, _ := strings.Cut(sec, "\n")
		m[name] = body
	}
	return m
}
