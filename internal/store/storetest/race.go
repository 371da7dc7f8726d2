// Conformance tests of concurrent callers: claims, admission and idempotency keys.

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

// racers is how many goroutines race in each test.
const racers = 16

// race runs f in racers goroutines started together and returns their results.
func race[T any](f func(i int) T) []T {
	out := make([]T, racers)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range racers {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			out[i] = f(i)
		}()
	}
	start.Done()
	done.Wait()
	return out
}

type createResult struct {
	e       execution.Execution
	created bool
	err     error
}

func raceTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"Claim": func(t *testing.T, s store.Store) {
			ss := newSession(t, s)
			n := create(t, s, newExec(t, ss.ID, t0))
			type result struct {
				ok  bool
				err error
			}
			results := race(func(i int) result {
				_, ok, err := s.Claim(context.Background(), n.ID, "w"+string(rune('a'+i)), t0, time.Minute)
				return result{ok, err}
			})
			wins := 0
			for _, r := range results {
				if r.err != nil {
					t.Errorf("Claim: %v", r.err)
				}
				if r.ok {
					wins++
				}
			}
			if e := get(t, s, n.ID); wins != 1 || e.Attempts != 1 {
				t.Errorf("%d claims won, attempts %d; want exactly 1 and 1", wins, e.Attempts)
			}
		},
		"FinishAbort": func(t *testing.T, s store.Store) {
			ss := newSession(t, s)
			n := create(t, s, newExec(t, ss.ID, t0))
			claim(t, s, n.ID, "w1", t0)
			results := race(func(i int) bool {
				var ok bool
				var err error
				if i%2 == 0 {
					ok, err = s.Finish(context.Background(), n.ID, "w1", 1, completed("x"), at(time.Second))
				} else {
					ok, err = s.Abort(context.Background(), n.ID, execution.StatusCancelled, execution.ReasonCancelled, at(time.Second))
				}
				if err != nil {
					t.Errorf("transition: %v", err)
				}
				return ok
			})
			if wins := count(results, func(ok bool) bool { return ok }); wins != 1 {
				t.Errorf("%d terminal transitions won, want exactly 1", wins)
			}
		},
		"MaxActive": func(t *testing.T, s store.Store) {
			ss := newSession(t, s)
			results := race(func(int) createResult {
				n := newExec(t, ss.ID, t0)
				n.MaxActive = 1
				e, created, err := s.CreateExecution(context.Background(), n)
				return createResult{e, created, err}
			})
			winner := ""
			for _, r := range results {
				if r.created {
					winner = r.e.ID
				}
			}
			for _, r := range results {
				if !r.created {
					if p, ok := problem.As(r.err); !ok || p.Kind != problem.Conflict || p.Ref != winner {
						t.Errorf("loser got %v, want Conflict naming %s", r.err, winner)
					}
				}
			}
			if n := count(results, func(r createResult) bool { return r.created }); n != 1 {
				t.Errorf("%d executions created, want exactly 1", n)
			}
		},
		"IdempotencyKey": func(t *testing.T, s store.Store) {
			ss := newSession(t, s)
			checkOneExecution(t, race(func(int) createResult {
				n := newExec(t, ss.ID, t0)
				n.IdempotencyKey, n.RequestHash, n.IdempotencyTTL = "race-"+ss.ID, "h", time.Hour
				e, created, err := s.CreateExecution(context.Background(), n)
				return createResult{e, created, err}
			}))
		},
		// The same key from different sessions is not serialized by a session lock.
		"IdempotencyKeyAcrossSessions": func(t *testing.T, s store.Store) {
			key := "race-" + newID(t)
			sessions := make([]string, racers)
			for i := range sessions {
				sessions[i] = newSession(t, s).ID
			}
			checkOneExecution(t, race(func(i int) createResult {
				n := newExec(t, sessions[i], t0)
				n.IdempotencyKey, n.RequestHash, n.IdempotencyTTL = key, "h", time.Hour
				e, created, err := s.CreateExecution(context.Background(), n)
				return createResult{e, created, err}
			}))
		},
	}
}

// checkOneExecution asserts that exactly one request created an execution and every other
// request got that same execution back.
func checkOneExecution(t *testing.T, results []createResult) {
	t.Helper()
	ids := map[string]bool{}
	for _, r := range results {
		if r.err != nil {
			t.Errorf("CreateExecution: %v", r.err)
			continue
		}
		ids[r.e.ID] = true
	}
	if n := count(results, func(r createResult) bool { return r.created }); n != 1 || len(ids) != 1 {
		t.Errorf("%d created, %d distinct executions returned; want 1 and 1", n, len(ids))
	}
}

func count[T any](xs []T, f func(T) bool) int {
	n := 0
	for _, x := range xs {
		if f(x) {
			n++
		}
	}
	return n
}
