// `livecode doctor` as an operator runs it: a ready host passes, a taken uid range fails with a fix.
package e2e

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

func TestDoctor(t *testing.T) {
	t.Parallel()
	doctor := func(uidBase string) (string, int) {
		c := exec.Command(binary, "doctor")
		c.Dir = t.TempDir()
		c.Env = append(os.Environ(), "SANDBOX_UID_BASE="+uidBase, "WORKERS=2")
		out, _ := c.CombinedOutput()
		return string(out), c.ProcessState.ExitCode()
	}
	out, code := doctor("73300")
	if code != 0 || strings.Contains(out, "FAIL") || !strings.Contains(out, "OK   trivial run") {
		t.Errorf("doctor on this host: exit %d, want 0 with a trivial run:\n%s", code, out)
	}

	sleeper := exec.Command("/bin/sleep", "60")
	sleeper.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 73311, Gid: 73311}}
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sleeper.Process.Kill(); _ = sleeper.Wait() })
	out, code = doctor("73310")
	if code != 1 || !strings.Contains(out, "FAIL sandbox uids") || !strings.Contains(out, "uid 73311") ||
		!strings.Contains(out, "fix: pick a free range with SANDBOX_UID_BASE") {
		t.Errorf("doctor with a process under a sandbox uid: exit %d, want 1 naming it and the fix:\n%s", code, out)
	}
}
