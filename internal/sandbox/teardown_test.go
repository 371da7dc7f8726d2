// Teardown off the critical path: a slot is free once its run's processes are gone, before its
// cgroup and work dir are removed, and the teardowns waiting behind a burst are bounded.

package sandbox_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/sandbox"
	"livecode/internal/testsvc"
)

// TestSlotFreedBeforeTeardown holds every run's cgroup removal until the end. With one slot, a
// second run still takes the slot while the first one's teardown waits, and sees nothing of the
// first (its files, its background process); a third waits, since two teardowns are pending
// (the backlog is two per slot), until they end.
func TestSlotFreedBeforeTeardown(t *testing.T) {
	t.Parallel()
	const uidBase = 75020
	parent, work := ownHost(t, "early-slot")
	b := setup(t, sandbox.Config{UIDBase: uidBase, Slots: 1, CgroupParent: parent, WorkRoot: work})
	hold := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(hold) }) }
	defer release()
	b.sb.SetFaults(func(point string) error {
		if point == "cgroup remove" {
			<-hold
		}
		return nil
	})
	const leave = `import os, subprocess
open("/work/left", "w").write("x"); open("/tmp/left", "w").write("x")
subprocess.Popen(["/usr/bin/sleep", "300"], start_new_session=True)
print("planted")`
	const look = `import os
procs = [p for p in os.listdir("/proc") if p.isdigit()]
print(sorted(os.listdir("/work")), sorted(os.listdir("/tmp")), len(procs))`
	if res := b.run(t, "python", leave, "", execution.Limits{}); res.Status != execution.StatusCompleted || res.Stdout != "planted\n" {
		t.Fatalf("first run: %+v", res)
	}
	// The first run's teardown waits at its cgroup removal: the slot must be free already.
	res := b.run(t, "python", look, "", execution.Limits{})
	// bubblewrap's pid 1 and the program: no process of the first run.
	if want := "['main.py'] [] 2\n"; res.Status != execution.StatusCompleted || res.Stdout != want {
		t.Fatalf("second run saw %q (%+v), want %q", res.Stdout, res, want)
	}
	l, _ := b.langs.Lookup("python")
	ctx, cancel := context.WithTimeout(context.Background(), testsvc.Scale(2*time.Second))
	defer cancel()
	_, err := b.sb.Run(ctx, sandbox.Spec{Language: l, Files: []execution.File{{Content: "pass"}}})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for a slot") {
		t.Fatalf("a run behind two pending teardowns: %v, want it to wait for a slot", err)
	}
	release()
	b.sb.Wait()
	if n := b.sb.FreeSlots(); n != 1 {
		t.Errorf("%d of 1 slots free", n)
	}
	if res := b.run(t, "python", "print('after')", "", execution.Limits{}); res.Stdout != "after\n" {
		t.Errorf("run after the teardowns: %+v", res)
	}
	b.sb.Wait()
	assertNoLeftovers(t, uidBase, 1, parent, work)
}
