// Conformance tests of idempotency keys.

package storetest

import (
	"context"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/store"
)

func idempotencyTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"SameRequest": func(t *testing.T, s store.Store) {
			ctx := context.Background()
			ss := newSession(t, s)
			req := func(d time.Duration) store.NewExecution {
				n := newExec(t, ss.ID, at(d))
				n.IdempotencyKey, n.RequestHash, n.IdempotencyTTL = "key-"+ss.ID, "hash-1", 24*time.Hour
				n.MaxActive, n.RateLimit, n.RateWindow = 1, 1, time.Hour
				return n
			}
			first := create(t, s, req(0))
			// The replay passes although its own first execution is active and the rate is spent.
			for _, d := range []time.Duration{time.Second, 23 * time.Hour} {
				e, created, err := s.CreateExecution(ctx, req(d))
				if err != nil || created {
					t.Fatalf("replay after %v: created=%v err=%v, want the first execution", d, created, err)
				}
				wantEqual(t, "replayed execution", e, first)
			}
			page, _, err := s.ListExecutions(ctx, ss.ID, 10, "")
			if err != nil || len(page) != 1 {
				t.Errorf("ListExecutions: %d executions, err %v; want 1", len(page), err)
			}
		},
		"AfterRefusal": func(t *testing.T, s store.Store) {
			// The first run's job could not be queued (the client got 503): its retry with the
			// same key makes a new execution, and replays then return that one.
			ctx := context.Background()
			ss := newSession(t, s)
			req := func(d time.Duration) store.NewExecution {
				n := newExec(t, ss.ID, at(d))
				n.IdempotencyKey, n.RequestHash, n.IdempotencyTTL = "key-"+ss.ID, "hash-1", time.Hour
				return n
			}
			refused := create(t, s, req(0))
			if ok, err := s.Abort(ctx, refused.ID, execution.StatusFailed, execution.ReasonQueueUnavailable, at(time.Second)); !ok || err != nil {
				t.Fatalf("Abort: %v %v", ok, err)
			}
			retry, created, err := s.CreateExecution(ctx, req(2*time.Second))
			if err != nil || !created || retry.ID == refused.ID {
				t.Fatalf("retry after refusal: created=%v id=%s err=%v, want a new execution", created, retry.ID, err)
			}
			replay, created, err := s.CreateExecution(ctx, req(3*time.Second))
			if err != nil || created || replay.ID != retry.ID {
				t.Errorf("replay: created=%v id=%s err=%v, want %s", created, replay.ID, err, retry.ID)
			}
		},
		"OtherRequest": func(t *testing.T, s store.Store) {
			ss := newSession(t, s)
			n := newExec(t, ss.ID, t0)
			n.IdempotencyKey, n.RequestHash, n.IdempotencyTTL = "key-"+ss.ID, "hash-1", time.Hour
			create(t, s, n)
			other := newExec(t, ss.ID, at(time.Second))
			other.IdempotencyKey, other.RequestHash, other.IdempotencyTTL = n.IdempotencyKey, "hash-2", time.Hour
			_, _, err := s.CreateExecution(context.Background(), other)
			wantKind(t, err, problem.Unprocessable)
		},
		"Expired": func(t *testing.T, s store.Store) {
			ss := newSession(t, s)
			n := newExec(t, ss.ID, t0)
			n.IdempotencyKey, n.RequestHash, n.IdempotencyTTL = "key-"+ss.ID, "hash-1", time.Hour
			first := create(t, s, n)
			for i, hash := range []string{"hash-2", "hash-2"} {
				later := newExec(t, ss.ID, at(time.Hour+time.Second))
				later.IdempotencyKey, later.RequestHash, later.IdempotencyTTL = n.IdempotencyKey, hash, time.Hour
				e, created, err := s.CreateExecution(context.Background(), later)
				if err != nil {
					t.Fatalf("use %d of the expired key: %v", i, err)
				}
				if i == 0 && (!created || e.ID == first.ID) {
					t.Errorf("expired key: created=%v id=%s, want a new execution", created, e.ID)
				}
				if i == 1 && (created || e.ID == first.ID) {
					t.Errorf("reused key: created=%v id=%s, want the second execution", created, e.ID)
				}
			}
		},
	}
}
