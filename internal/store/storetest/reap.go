// Conformance tests of the reaper's queries: orphans and lease expiry.

package storetest

import (
	"context"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/store"
)

func reapTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"Orphans":      testOrphans,
		"ExpireLeases": testExpireLeases,
		"Ping": func(t *testing.T, s store.Store) {
			if err := s.Ping(context.Background()); err != nil {
				t.Errorf("Ping: %v", err)
			}
		},
	}
}

func testOrphans(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	oldQueued := create(t, s, newExec(t, ss.ID, t0))
	expired := create(t, s, newExec(t, ss.ID, at(time.Second)))
	claim(t, s, expired.ID, "w1", at(time.Second)) // lease until 11 s
	live := create(t, s, newExec(t, ss.ID, at(2*time.Second)))
	claim(t, s, live.ID, "w1", at(15*time.Second)) // lease until 25 s
	done := create(t, s, newExec(t, ss.ID, at(3*time.Second)))
	if _, err := s.Abort(ctx, done.ID, execution.StatusCancelled, execution.ReasonCancelled, at(4*time.Second)); err != nil {
		t.Fatalf("Abort: %v", err)
	}
	create(t, s, newExec(t, ss.ID, at(19*time.Second))) // queued recently: its job may still be on the way

	got, err := s.Orphans(ctx, at(20*time.Second), at(10*time.Second), 10)
	if err != nil {
		t.Fatalf("Orphans: %v", err)
	}
	want := []store.Orphan{
		{ID: oldQueued.ID, Status: execution.StatusQueued, Attempts: 0},
		{ID: expired.ID, Status: execution.StatusRunning, Attempts: 1},
	}
	wantEqual(t, "orphans oldest first", got, want)
	got, err = s.Orphans(ctx, at(20*time.Second), at(10*time.Second), 1)
	if err != nil {
		t.Fatalf("Orphans: %v", err)
	}
	wantEqual(t, "orphans limited to 1", got, want[:1])
}

func testExpireLeases(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	var ids []string
	for range 3 {
		n := create(t, s, newExec(t, ss.ID, t0))
		claim(t, s, n.ID, "w1", t0)
		ids = append(ids, n.ID)
	}
	create(t, s, newExec(t, ss.ID, t0)) // queued: no lease to expire
	n, err := s.ExpireLeases(ctx, at(time.Second))
	if err != nil || n != 3 {
		t.Fatalf("ExpireLeases = %d, %v; want 3", n, err)
	}
	orphans, err := s.Orphans(ctx, at(time.Second), t0, 10)
	if err != nil || len(orphans) != 3 {
		t.Errorf("Orphans after ExpireLeases: %v, %v; want the 3 running", orphans, err)
	}
	for _, id := range ids {
		if e := claim(t, s, id, "w2", at(time.Second)); e.Attempts != 2 {
			t.Errorf("attempts after restart = %d, want 2", e.Attempts)
		}
	}
	// The new leases end at 11 s, after now: they are live, so they expire again.
	if n, err := s.ExpireLeases(ctx, at(time.Second)); err != nil || n != 3 {
		t.Errorf("second ExpireLeases = %d, %v; want 3", n, err)
	}
}
