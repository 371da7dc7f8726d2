// Conformance tests of webhook deliveries: stored at admission, claimed once, recorded, purged.

package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/store"
)

func deliveryTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"Admitted":          testDeliveryAdmitted,
		"RefusedLeavesNone": testDeliveryRefusedLeavesNone,
		"DueWhenTerminal":   testDeliveryDueWhenTerminal,
		"ClaimOnce":         testDeliveryClaimOnce,
		"ClaimLapses":       testDeliveryClaimLapses,
		"Record":            testDeliveryRecord,
		"Retry":             testDeliveryRetry,
		"ClaimRace":         testDeliveryClaimRace,
		"Purged":            testDeliveryPurged,
	}
}

// withHook creates an execution of a new session whose run gives a callback.
func withHook(t *testing.T, s store.Store, now time.Time) execution.Execution {
	t.Helper()
	n := newExec(t, newSession(t, s).ID, now)
	n.Webhook = &store.NewWebhook{URL: "https://hooks.example.com/x?y=1", Format: "livecode"}
	return create(t, s, n)
}

func claimDeliveries(t *testing.T, s store.Store, c store.DeliveryClaim) []store.Delivery {
	t.Helper()
	if c.Limit == 0 {
		c.Limit = 10
	}
	if c.Until.IsZero() {
		c.Until = c.Now.Add(time.Minute)
	}
	d, err := s.ClaimDeliveries(context.Background(), c)
	if err != nil {
		t.Fatalf("ClaimDeliveries: %v", err)
	}
	return d
}

func getDelivery(t *testing.T, s store.Store, id string) store.Delivery {
	t.Helper()
	d, err := s.GetDelivery(context.Background(), id)
	if err != nil {
		t.Fatalf("GetDelivery: %v", err)
	}
	return d
}

func abort(t *testing.T, s store.Store, id string, now time.Time) {
	t.Helper()
	if ok, err := s.Abort(context.Background(), id, execution.StatusCancelled, execution.ReasonCancelled, now); err != nil || !ok {
		t.Fatalf("Abort: ok=%v err=%v", ok, err)
	}
}

func testDeliveryAdmitted(t *testing.T, s store.Store) {
	e := withHook(t, s, t0)
	wantEqual(t, "delivery", getDelivery(t, s, e.ID), store.Delivery{ExecutionID: e.ID, URL: "https://hooks.example.com/x?y=1",
		Format: "livecode", State: store.DeliveryPending, NextAttemptAt: ms(t0), CreatedAt: ms(t0)})
	plain := create(t, s, newExec(t, newSession(t, s).ID, t0))
	_, err := s.GetDelivery(context.Background(), plain.ID)
	wantKind(t, err, problem.NotFound)
}

func testDeliveryRefusedLeavesNone(t *testing.T, s store.Store) {
	sess := newSession(t, s)
	first := newExec(t, sess.ID, t0)
	create(t, s, first)
	n := newExec(t, sess.ID, t0)
	n.MaxActive = 1
	n.Webhook = &store.NewWebhook{URL: "https://hooks.example.com/", Format: "livecode"}
	if _, _, err := s.CreateExecution(context.Background(), n); problem.KindOf(err) != problem.Conflict {
		t.Fatalf("CreateExecution past MaxActive: %v, want Conflict", err)
	}
	_, err := s.GetDelivery(context.Background(), n.ID)
	wantKind(t, err, problem.NotFound)
}

func testDeliveryDueWhenTerminal(t *testing.T, s store.Store) {
	e := withHook(t, s, t0)
	if got := claimDeliveries(t, s, store.DeliveryClaim{Now: at(time.Second)}); len(got) != 0 {
		t.Fatalf("claimed %d deliveries of a QUEUED execution", len(got))
	}
	claim(t, s, e.ID, "w1", at(time.Second))
	if got := claimDeliveries(t, s, store.DeliveryClaim{Now: at(2 * time.Second)}); len(got) != 0 {
		t.Fatalf("claimed %d deliveries of a RUNNING execution", len(got))
	}
	abort(t, s, e.ID, at(3*time.Second))
	got := claimDeliveries(t, s, store.DeliveryClaim{ExecutionID: e.ID, Now: at(4 * time.Second), Until: at(time.Minute)})
	if len(got) != 1 {
		t.Fatalf("claimed %d deliveries of a terminal execution, want 1", len(got))
	}
	wantEqual(t, "claimed", got[0], store.Delivery{ExecutionID: e.ID, URL: "https://hooks.example.com/x?y=1", Format: "livecode",
		State: store.DeliveryPending, Attempts: 1, NextAttemptAt: ms(t0), LastAttemptAt: ptr(ms(at(4 * time.Second))), CreatedAt: ms(t0)})
}

func testDeliveryClaimOnce(t *testing.T, s store.Store) {
	a, b := withHook(t, s, t0), withHook(t, s, t0)
	abort(t, s, a.ID, at(time.Second))
	abort(t, s, b.ID, at(time.Second))
	if got := claimDeliveries(t, s, store.DeliveryClaim{ExecutionID: b.ID, Now: at(2 * time.Second)}); len(got) != 1 || got[0].ExecutionID != b.ID {
		t.Fatalf("claim of b = %+v, want b only", got)
	}
	got := claimDeliveries(t, s, store.DeliveryClaim{Now: at(3 * time.Second)})
	if len(got) != 1 || got[0].ExecutionID != a.ID {
		t.Fatalf("sweep while b is claimed = %+v, want a only", got)
	}
	if got := claimDeliveries(t, s, store.DeliveryClaim{Now: at(4 * time.Second)}); len(got) != 0 {
		t.Fatalf("sweep while both are claimed = %+v, want none", got)
	}
}

func testDeliveryClaimLapses(t *testing.T, s store.Store) {
	e := withHook(t, s, t0)
	abort(t, s, e.ID, at(time.Second))
	claimDeliveries(t, s, store.DeliveryClaim{Now: at(2 * time.Second), Until: at(10 * time.Second)})
	if got := claimDeliveries(t, s, store.DeliveryClaim{Now: at(9 * time.Second)}); len(got) != 0 {
		t.Fatalf("claimed a held delivery: %+v", got)
	}
	got := claimDeliveries(t, s, store.DeliveryClaim{Now: at(10 * time.Second)})
	if len(got) != 1 || got[0].Attempts != 2 {
		t.Fatalf("claim after the first lapsed = %+v, want attempt 2", got)
	}
	// The first claimer comes back: its attempt is no longer the delivery's latest.
	ok, err := s.RecordDelivery(context.Background(), e.ID, 1, store.DeliveryOutcome{State: store.DeliveryDelivered, Status: ptr(200), Now: at(11 * time.Second)})
	if err != nil || ok {
		t.Fatalf("RecordDelivery of a lapsed claim: ok=%v err=%v, want false", ok, err)
	}
	wantEqual(t, "state", getDelivery(t, s, e.ID).State, store.DeliveryPending)
}

func testDeliveryRecord(t *testing.T, s store.Store) {
	e := withHook(t, s, t0)
	abort(t, s, e.ID, at(time.Second))
	claimDeliveries(t, s, store.DeliveryClaim{Now: at(2 * time.Second)})
	ok, err := s.RecordDelivery(context.Background(), e.ID, 1, store.DeliveryOutcome{State: store.DeliveryDelivered, Status: ptr(204), Now: at(3 * time.Second)})
	if err != nil || !ok {
		t.Fatalf("RecordDelivery: ok=%v err=%v", ok, err)
	}
	d := getDelivery(t, s, e.ID)
	wantEqual(t, "delivered", d, store.Delivery{ExecutionID: e.ID, URL: "https://hooks.example.com/x?y=1", Format: "livecode",
		State: store.DeliveryDelivered, Attempts: 1, LastStatus: ptr(204), NextAttemptAt: d.NextAttemptAt,
		LastAttemptAt: ptr(ms(at(2 * time.Second))), DeliveredAt: ptr(ms(at(3 * time.Second))), CreatedAt: ms(t0)})
	if got := claimDeliveries(t, s, store.DeliveryClaim{Now: at(time.Hour)}); len(got) != 0 {
		t.Fatalf("claimed a delivered delivery: %+v", got)
	}
	if ok, err := s.RecordDelivery(context.Background(), e.ID, 1, store.DeliveryOutcome{State: store.DeliveryFailed, Now: at(4 * time.Second)}); err != nil || ok {
		t.Fatalf("RecordDelivery after delivered: ok=%v err=%v, want false", ok, err)
	}
}

func testDeliveryRetry(t *testing.T, s store.Store) {
	e := withHook(t, s, t0)
	abort(t, s, e.ID, at(time.Second))
	claimDeliveries(t, s, store.DeliveryClaim{Now: at(2 * time.Second)})
	ok, err := s.RecordDelivery(context.Background(), e.ID, 1, store.DeliveryOutcome{State: store.DeliveryPending, Status: ptr(503),
		Error: "answered 503", Now: at(3 * time.Second), NextAttempt: at(8 * time.Second)})
	if err != nil || !ok {
		t.Fatalf("RecordDelivery: ok=%v err=%v", ok, err)
	}
	d := getDelivery(t, s, e.ID)
	wantEqual(t, "after a failure", []any{d.State, d.LastStatus, d.LastError, d.NextAttemptAt, d.DeliveredAt},
		[]any{store.DeliveryPending, ptr(503), "answered 503", ms(at(8 * time.Second)), (*time.Time)(nil)})
	if got := claimDeliveries(t, s, store.DeliveryClaim{Now: at(7 * time.Second)}); len(got) != 0 {
		t.Fatalf("claimed before it is due: %+v", got)
	}
	got := claimDeliveries(t, s, store.DeliveryClaim{Now: at(8 * time.Second)})
	if len(got) != 1 || got[0].Attempts != 2 {
		t.Fatalf("claim when due = %+v, want attempt 2", got)
	}
	ok, err = s.RecordDelivery(context.Background(), e.ID, 2, store.DeliveryOutcome{State: store.DeliveryFailed,
		Error: "timed out", Now: at(9 * time.Second)})
	if err != nil || !ok {
		t.Fatalf("RecordDelivery failed: ok=%v err=%v", ok, err)
	}
	d = getDelivery(t, s, e.ID)
	wantEqual(t, "failed", []any{d.State, d.LastStatus, d.LastError}, []any{store.DeliveryFailed, (*int)(nil), "timed out"})
	if got := claimDeliveries(t, s, store.DeliveryClaim{Now: at(time.Hour)}); len(got) != 0 {
		t.Fatalf("claimed a failed delivery: %+v", got)
	}
}

// testDeliveryClaimRace has many claimers sweep at once: each delivery is taken exactly once.
func testDeliveryClaimRace(t *testing.T, s store.Store) {
	const n, claimers = 12, 6
	want := map[string]bool{}
	for range n {
		e := withHook(t, s, t0)
		abort(t, s, e.ID, at(time.Second))
		want[e.ID] = true
	}
	var mu sync.Mutex
	taken := map[string]int{}
	var wg sync.WaitGroup
	for range claimers {
		wg.Go(func() {
			for range n {
				d, err := s.ClaimDeliveries(context.Background(), store.DeliveryClaim{Now: at(2 * time.Second), Until: at(time.Minute), Limit: 2})
				if err != nil {
					t.Errorf("ClaimDeliveries: %v", err)
					return
				}
				mu.Lock()
				for _, x := range d {
					taken[x.ExecutionID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for id := range want {
		if taken[id] != 1 {
			t.Errorf("delivery %s taken %d times, want 1", id, taken[id])
		}
	}
	wantEqual(t, "deliveries taken", len(taken), n)
}

func testDeliveryPurged(t *testing.T, s store.Store) {
	deleted, purged, kept := withHook(t, s, t0), withHook(t, s, t0), withHook(t, s, t0)
	for _, e := range []execution.Execution{deleted, purged} {
		abort(t, s, e.ID, at(time.Second))
	}
	if err := s.DeleteExecution(context.Background(), deleted.ID); err != nil {
		t.Fatalf("DeleteExecution: %v", err)
	}
	purgeAll(t, s, store.Expiry{ExecutionsBefore: at(time.Hour)}, 10)
	for _, id := range []string{deleted.ID, purged.ID} {
		_, err := s.GetDelivery(context.Background(), id)
		wantKind(t, err, problem.NotFound)
	}
	getDelivery(t, s, kept.ID) // QUEUED: neither it nor its delivery expires
}
