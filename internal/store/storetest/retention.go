// Conformance tests of retention: purges by age in batches, and deletions on request.

package storetest

import (
	"context"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/store"
)

func retentionTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"Executions":      testPurgeExecutions,
		"Keys":            testPurgeKeys,
		"ClosedSessions":  testPurgeClosedSessions,
		"DeleteExecution": testDeleteExecution,
		"PurgeSession":    testPurgeSession,
	}
}

// finished creates an execution of sessionID queued at queued and ends it FAILED at end.
func finished(t *testing.T, s store.Store, sessionID string, queued, end time.Time) execution.Execution {
	t.Helper()
	e := create(t, s, newExec(t, sessionID, queued))
	if ok, err := s.Abort(context.Background(), e.ID, execution.StatusFailed, execution.ReasonInternal, end); err != nil || !ok {
		t.Fatalf("Abort: ok=%v err=%v", ok, err)
	}
	return e
}

// purgeAll calls Purge until a batch deletes less than limit and returns the batches' counts.
func purgeAll(t *testing.T, s store.Store, e store.Expiry, limit int) []int {
	t.Helper()
	var counts []int
	for range 100 {
		n, err := s.Purge(context.Background(), e, limit)
		if err != nil {
			t.Fatalf("Purge: %v", err)
		}
		counts = append(counts, n)
		if n < limit {
			return counts
		}
	}
	t.Fatal("Purge never finished")
	return nil
}

func gone(t *testing.T, s store.Store, id string) bool {
	t.Helper()
	_, err := s.GetExecution(context.Background(), id)
	if err == nil {
		return false
	}
	wantKind(t, err, problem.NotFound)
	return true
}

func testPurgeExecutions(t *testing.T, s store.Store) {
	sess := newSession(t, s)
	var old []execution.Execution
	for i := range 5 {
		old = append(old, finished(t, s, sess.ID, at(time.Duration(i)*time.Second), at(time.Hour)))
	}
	recent := finished(t, s, sess.ID, at(10*time.Second), at(3*time.Hour))
	queued := create(t, s, newExec(t, sess.ID, at(20*time.Second))) // old, but not finished
	running := create(t, s, newExec(t, sess.ID, at(30*time.Second)))
	claim(t, s, running.ID, "w", at(31*time.Second))

	// Zero cutoffs purge nothing.
	if n, err := s.Purge(context.Background(), store.Expiry{}, 10); err != nil || n != 0 {
		t.Fatalf("Purge(nothing) = %d, %v", n, err)
	}
	counts := purgeAll(t, s, store.Expiry{ExecutionsBefore: at(2 * time.Hour)}, 2)
	wantEqual(t, "batches", counts, []int{2, 2, 1})
	for _, e := range old {
		if !gone(t, s, e.ID) {
			t.Errorf("execution finished at 1h still there")
		}
	}
	for _, id := range []string{recent.ID, queued.ID, running.ID} {
		if gone(t, s, id) {
			t.Errorf("execution %s purged, want kept", id)
		}
	}
	if _, err := s.GetSession(context.Background(), sess.ID); err != nil {
		t.Errorf("the session went with its executions: %v", err)
	}
}

func testPurgeKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	sess := newSession(t, s)
	n := newExec(t, sess.ID, t0)
	n.IdempotencyKey, n.RequestHash, n.IdempotencyTTL = "key-"+n.ID, "h", 1000*time.Hour
	first := create(t, s, n)
	if _, err := s.Abort(ctx, first.ID, execution.StatusFailed, execution.ReasonInternal, at(time.Second)); err != nil {
		t.Fatal(err)
	}
	replay := n
	replay.ID, replay.Now = newID(t), at(time.Minute)
	if e, created, err := s.CreateExecution(ctx, replay); err != nil || created || e.ID != first.ID {
		t.Fatalf("replay before the purge: created=%v id=%s err=%v, want %s", created, e.ID, err, first.ID)
	}
	wantEqual(t, "batches", purgeAll(t, s, store.Expiry{KeysBefore: at(time.Second)}, 10), []int{1})
	if gone(t, s, first.ID) {
		t.Fatal("purging the key took its execution")
	}
	if _, created, err := s.CreateExecution(ctx, replay); err != nil || !created {
		t.Fatalf("after the purge the key is new: created=%v err=%v", created, err)
	}
}

func testPurgeClosedSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	closed, open, late := newSession(t, s), newSession(t, s), newSession(t, s)
	var execs []execution.Execution
	for i := range 3 {
		execs = append(execs, finished(t, s, closed.ID, at(time.Duration(i)*time.Second), at(time.Minute)))
	}
	kept := finished(t, s, open.ID, at(time.Second), at(time.Minute))
	for _, c := range []struct {
		id string
		at time.Time
	}{{closed.ID, at(time.Hour)}, {late.ID, at(5 * time.Hour)}} {
		if _, err := s.CloseSession(ctx, c.id, c.at); err != nil {
			t.Fatal(err)
		}
	}
	// Batches of 2: two executions, then the last one and the session.
	wantEqual(t, "batches", purgeAll(t, s, store.Expiry{SessionsBefore: at(2 * time.Hour)}, 2), []int{2, 2, 0})
	_, err := s.GetSession(ctx, closed.ID)
	wantKind(t, err, problem.NotFound)
	for _, e := range execs {
		if !gone(t, s, e.ID) {
			t.Error("an execution of the purged session is left")
		}
	}
	for _, id := range []string{open.ID, late.ID} {
		if _, err := s.GetSession(ctx, id); err != nil {
			t.Errorf("session %s: %v, want kept", id, err)
		}
	}
	if gone(t, s, kept.ID) {
		t.Error("an ACTIVE session's execution was purged")
	}
}

func testDeleteExecution(t *testing.T, s store.Store) {
	ctx := context.Background()
	sess := newSession(t, s)
	e := create(t, s, newExec(t, sess.ID, t0))
	wantKind(t, s.DeleteExecution(ctx, e.ID), problem.Conflict)
	if gone(t, s, e.ID) {
		t.Fatal("an active execution was deleted")
	}
	if _, err := s.Abort(ctx, e.ID, execution.StatusCancelled, execution.ReasonCancelled, at(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteExecution(ctx, e.ID); err != nil {
		t.Fatalf("DeleteExecution: %v", err)
	}
	if !gone(t, s, e.ID) {
		t.Error("deleted execution still there")
	}
	wantKind(t, s.DeleteExecution(ctx, e.ID), problem.NotFound)
	if _, err := s.LatestExecution(ctx, sess.ID); problem.KindOf(err) != problem.NotFound {
		t.Errorf("LatestExecution after the delete: %v, want NotFound", err)
	}
}

func testPurgeSession(t *testing.T, s store.Store) {
	ctx := context.Background()
	sess, other := newSession(t, s), newSession(t, s)
	var execs []execution.Execution
	for i := range 3 {
		execs = append(execs, finished(t, s, sess.ID, at(time.Duration(i)*time.Second), at(time.Minute)))
	}
	active := create(t, s, newExec(t, sess.ID, at(time.Hour)))
	keep := finished(t, s, other.ID, t0, at(time.Minute))

	p := wantKind(t, s.PurgeSession(ctx, sess.ID, 1), problem.Conflict)
	if p.Ref != active.ID {
		t.Errorf("Conflict names %q, want the active execution %s", p.Ref, active.ID)
	}
	for _, e := range execs {
		if gone(t, s, e.ID) {
			t.Fatal("a refused purge deleted an execution")
		}
	}
	if _, err := s.Abort(ctx, active.ID, execution.StatusCancelled, execution.ReasonCancelled, at(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.PurgeSession(ctx, sess.ID, 1); err != nil {
		t.Fatalf("PurgeSession: %v", err)
	}
	_, err := s.GetSession(ctx, sess.ID)
	wantKind(t, err, problem.NotFound)
	for _, e := range append(execs, active) {
		if !gone(t, s, e.ID) {
			t.Error("an execution of the purged session is left")
		}
	}
	if gone(t, s, keep.ID) {
		t.Error("another session's execution was purged")
	}
	wantKind(t, s.PurgeSession(ctx, sess.ID, 1), problem.NotFound)
}
