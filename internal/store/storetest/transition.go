// Conformance tests of claims, leases, results and aborts: fencing and terminal immutability.

package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/store"
)

func transitionTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"Claim":     testClaim,
		"Takeover":  testTakeover,
		"Finish":    testFinish,
		"Terminal":  testTerminal,
		"Lease":     testLease,
		"Abort":     testAbort,
		"BadStatus": testBadStatus,
	}
}

func testClaim(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	n := create(t, s, newExec(t, ss.ID, t0))
	e := claim(t, s, n.ID, "w1", at(time.Second))
	want := n
	want.Status, want.Attempts, want.WorkerID = execution.StatusRunning, 1, "w1"
	want.StartedAt, want.LeaseExpiresAt = ptr(ms(at(time.Second))), ptr(ms(at(11*time.Second)))
	wantEqual(t, "claimed", e, want)
	wantEqual(t, "stored", get(t, s, n.ID), want)
	if _, ok, err := s.Claim(ctx, n.ID, "w2", at(10*time.Second), time.Second); ok || err != nil {
		t.Errorf("Claim under a live lease: ok=%v err=%v, want false", ok, err)
	}
	if _, ok, err := s.Claim(ctx, newID(t), "w2", t0, time.Second); ok || err != nil {
		t.Errorf("Claim of an unknown id: ok=%v err=%v, want false", ok, err)
	}
}

// testTakeover: a second worker takes an expired lease; the first is fenced off.
func testTakeover(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	n := create(t, s, newExec(t, ss.ID, t0))
	claim(t, s, n.ID, "w1", at(time.Second))
	e := claim(t, s, n.ID, "w2", at(11*time.Second)) // lease ended at 11 s
	if e.Attempts != 2 || e.WorkerID != "w2" || !e.StartedAt.Equal(ms(at(time.Second))) {
		t.Errorf("takeover = attempts %d worker %q started %v, want 2, w2, first start", e.Attempts, e.WorkerID, e.StartedAt)
	}
	if ok, err := s.RenewLease(ctx, n.ID, "w1", 1, at(12*time.Second), time.Minute); ok || err != nil {
		t.Errorf("old holder RenewLease: ok=%v err=%v, want false", ok, err)
	}
	if err := s.ReleaseLease(ctx, n.ID, "w1", 1, at(12*time.Second)); err != nil {
		t.Errorf("old holder ReleaseLease: %v", err)
	}
	if ok, err := s.Finish(ctx, n.ID, "w1", 1, completed("old"), at(12*time.Second)); ok || err != nil {
		t.Errorf("old holder Finish: ok=%v err=%v, want false", ok, err)
	}
	if ok, err := s.Finish(ctx, n.ID, "w2", 1, completed("wrong attempt"), at(12*time.Second)); ok || err != nil {
		t.Errorf("Finish with a stale attempt: ok=%v err=%v, want false", ok, err)
	}
	wantEqual(t, "after fenced calls", get(t, s, n.ID), e)
	if ok, err := s.Finish(ctx, n.ID, "w2", 2, completed("new"), at(13*time.Second)); !ok || err != nil {
		t.Fatalf("holder Finish: ok=%v err=%v", ok, err)
	}
	if got := get(t, s, n.ID); got.Result.Stdout != "new" {
		t.Errorf("stdout %q, want the holder's", got.Result.Stdout)
	}
}

func completed(stdout string) execution.Result {
	return execution.Result{Status: execution.StatusCompleted, Stdout: stdout, Output: stdout,
		ExitCode: ptr(0), ExecutionTimeMS: ptr[int64](12), CPUTimeMS: ptr[int64](9), MemoryKB: ptr[int64](8000)}
}

func testFinish(t *testing.T, s store.Store) {
	tests := []struct {
		name string
		r    execution.Result
	}{
		{"completed", completed("hi\n")},
		{"failed", execution.Result{Status: execution.StatusFailed, Reason: execution.ReasonExitNonzero,
			Stderr: "boom", Output: "boom", ExitCode: ptr(3), ExecutionTimeMS: ptr[int64](5)}},
		{"signal", execution.Result{Status: execution.StatusFailed, Reason: execution.ReasonSignal, Signal: "SIGKILL"}},
		{"binary output", execution.Result{Status: execution.StatusFailed, Reason: execution.ReasonOutputLimit,
			Stdout: "\x00\xff\xfe invalid \xc3\x28" + strings.Repeat("x", 1<<20), Output: "\x00\xff", ExitCode: ptr(-1)}},
		{"timeout", execution.Result{Status: execution.StatusTimeout, Reason: execution.ReasonTimeLimit,
			ExecutionTimeMS: ptr[int64](5001), CPUTimeMS: ptr[int64](4990), MemoryKB: ptr[int64](1 << 40)}},
		{"compile", execution.Result{Status: execution.StatusFailed, Reason: execution.ReasonCompileError,
			CompileOutput: "error: x", CompileTimeMS: ptr[int64](300)}},
	}
	ss := newSession(t, s)
	for _, tt := range tests {
		n := create(t, s, newExec(t, ss.ID, t0))
		running := claim(t, s, n.ID, "w1", at(time.Second))
		ok, err := s.Finish(context.Background(), n.ID, "w1", 1, tt.r, at(2*time.Second))
		if !ok || err != nil {
			t.Fatalf("%s: Finish: ok=%v err=%v", tt.name, ok, err)
		}
		want := running
		want.Status, want.Result, want.FinishedAt, want.LeaseExpiresAt = tt.r.Status, tt.r, ptr(ms(at(2*time.Second))), nil
		got := get(t, s, n.ID)
		if got.Result.Stdout != tt.r.Stdout {
			t.Errorf("%s: stdout of %d bytes came back as %d bytes", tt.name, len(tt.r.Stdout), len(got.Result.Stdout))
		}
		got.Result.Stdout, want.Result.Stdout = "", ""
		wantEqual(t, tt.name, got, want)
	}
}

// testTerminal: nothing changes a terminal execution.
func testTerminal(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	n := create(t, s, newExec(t, ss.ID, t0))
	claim(t, s, n.ID, "w1", at(time.Second))
	if ok, err := s.Finish(ctx, n.ID, "w1", 1, completed("done"), at(2*time.Second)); !ok || err != nil {
		t.Fatalf("Finish: ok=%v err=%v", ok, err)
	}
	done := get(t, s, n.ID)
	later := at(time.Hour)
	if ok, err := s.Finish(ctx, n.ID, "w1", 1, completed("again"), later); ok || err != nil {
		t.Errorf("second Finish: ok=%v err=%v, want false", ok, err)
	}
	if _, ok, err := s.Claim(ctx, n.ID, "w2", later, time.Second); ok || err != nil {
		t.Errorf("Claim of a terminal execution: ok=%v err=%v, want false", ok, err)
	}
	if ok, err := s.Abort(ctx, n.ID, execution.StatusCancelled, execution.ReasonCancelled, later); ok || err != nil {
		t.Errorf("Abort of a terminal execution: ok=%v err=%v, want false", ok, err)
	}
	if ok, err := s.RenewLease(ctx, n.ID, "w1", 1, later, time.Minute); ok || err != nil {
		t.Errorf("RenewLease of a terminal execution: ok=%v err=%v, want false", ok, err)
	}
	if err := s.ReleaseLease(ctx, n.ID, "w1", 1, later); err != nil {
		t.Errorf("ReleaseLease: %v", err)
	}
	if _, err := s.ExpireLeases(ctx, later); err != nil {
		t.Errorf("ExpireLeases: %v", err)
	}
	wantEqual(t, "terminal execution", get(t, s, n.ID), done)
}

func testLease(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	n := create(t, s, newExec(t, ss.ID, t0))
	claim(t, s, n.ID, "w1", t0) // lease until 10 s
	if ok, err := s.RenewLease(ctx, n.ID, "w1", 1, at(9*time.Second), 10*time.Second); !ok || err != nil {
		t.Fatalf("RenewLease: ok=%v err=%v", ok, err)
	}
	if got := get(t, s, n.ID).LeaseExpiresAt; got == nil || !got.Equal(ms(at(19*time.Second))) {
		t.Errorf("lease after renewal = %v, want %v", got, ms(at(19*time.Second)))
	}
	if _, ok, _ := s.Claim(ctx, n.ID, "w2", at(15*time.Second), time.Second); ok {
		t.Errorf("Claim won against a renewed lease")
	}
	if err := s.ReleaseLease(ctx, n.ID, "w1", 1, at(16*time.Second)); err != nil {
		t.Fatalf("ReleaseLease: %v", err)
	}
	e := claim(t, s, n.ID, "w1", at(16*time.Second)) // a retry at once
	if e.Attempts != 2 {
		t.Errorf("attempts after release and claim = %d, want 2", e.Attempts)
	}
}

func testAbort(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	queued := create(t, s, newExec(t, ss.ID, t0))
	running := create(t, s, newExec(t, ss.ID, t0))
	claim(t, s, running.ID, "w1", t0)
	tests := []struct {
		id     string
		status execution.Status
		reason execution.Reason
	}{
		{queued.ID, execution.StatusCancelled, execution.ReasonCancelled},
		{running.ID, execution.StatusFailed, execution.ReasonInternal},
	}
	for _, tt := range tests {
		ok, err := s.Abort(ctx, tt.id, tt.status, tt.reason, at(time.Second))
		if !ok || err != nil {
			t.Fatalf("Abort(%s): ok=%v err=%v", tt.status, ok, err)
		}
		e := get(t, s, tt.id)
		if e.Status != tt.status || e.Result.Reason != tt.reason || e.Result.Status != tt.status ||
			e.FinishedAt == nil || !e.FinishedAt.Equal(ms(at(time.Second))) || e.LeaseExpiresAt != nil {
			t.Errorf("aborted execution = %+v, want %s/%s finished at %v", e, tt.status, tt.reason, ms(at(time.Second)))
		}
	}
	if ok, err := s.Finish(ctx, running.ID, "w1", 1, completed("late"), at(2*time.Second)); ok || err != nil {
		t.Errorf("Finish after Abort: ok=%v err=%v, want false", ok, err)
	}
	if ok, err := s.Abort(ctx, newID(t), execution.StatusCancelled, execution.ReasonCancelled, t0); ok || err != nil {
		t.Errorf("Abort of an unknown id: ok=%v err=%v, want false", ok, err)
	}
}

func testBadStatus(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	n := create(t, s, newExec(t, ss.ID, t0))
	if ok, err := s.Abort(ctx, n.ID, execution.StatusRunning, "", t0); ok || err == nil {
		t.Errorf("Abort to RUNNING: ok=%v err=%v, want an error", ok, err)
	}
	claim(t, s, n.ID, "w1", t0)
	if ok, err := s.Finish(ctx, n.ID, "w1", 1, execution.Result{Status: execution.StatusQueued}, t0); ok || err == nil {
		t.Errorf("Finish as QUEUED: ok=%v err=%v, want an error", ok, err)
	}
	if got := get(t, s, n.ID); got.Status != execution.StatusRunning {
		t.Errorf("status %s after refused transitions, want RUNNING", got.Status)
	}
}
