// Package storetest is the conformance suite every store.Store implementation passes.

package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/session"
	"livecode/internal/store"
)

// Open returns a new, empty store for one test; it registers its own cleanup with t.
type Open func(t *testing.T) store.Store

// Run runs the whole suite against the stores open returns. Each test gets its own store and
// runs in parallel with the others.
func Run(t *testing.T, open Open) {
	groups := []struct {
		name  string
		tests map[string]func(*testing.T, store.Store)
	}{
		{"Session", sessionTests()},
		{"Create", createTests()},
		{"Admission", admissionTests()},
		{"Idempotency", idempotencyTests()},
		{"Read", readTests()},
		{"Transition", transitionTests()},
		{"Reap", reapTests()},
		{"Race", raceTests()},
		{"Quota", quotaTests()},
		{"NewSession", newSessionTests()},
		{"List", listTests()},
		{"Retention", retentionTests()},
		{"Judge", judgeTests()},
		{"Delivery", deliveryTests()},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for name, test := range g.tests {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					test(t, open(t))
				})
			}
		})
	}
}

// t0 is the suite's clock origin; its sub-millisecond part checks the stores round times to ms.
var t0 = time.Date(2030, 1, 2, 3, 4, 5, 678_901_234, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func ms(t time.Time) time.Time { return store.Millis(t) }

func ptr[T any](v T) *T { return &v }

func newID(t *testing.T) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatalf("uuid: %v", err)
	}
	return id.String()
}

// newSession stores an ACTIVE python session created at t0.
func newSession(t *testing.T, s store.Store) session.Session {
	t.Helper()
	ss := session.Session{ID: newID(t), Status: session.StatusActive, Language: "python",
		SourceCode: "print('hi')\n", CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateSession(context.Background(), ss); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	ss.CreatedAt, ss.UpdatedAt = ms(t0), ms(t0)
	return ss
}

// newExec is a run request for the session at now, with no admission rule.
func newExec(t *testing.T, sessionID string, now time.Time) store.NewExecution {
	t.Helper()
	return store.NewExecution{ID: newID(t), SessionID: sessionID, Language: "python", Code: "print(1)",
		Limits: execution.Limits{TimeLimitMS: 5000, MemoryLimitMB: 256, MaxProcesses: 64, OutputLimitBytes: 1 << 20},
		Now:    now}
}

// create stores n and fails the test unless it was created.
func create(t *testing.T, s store.Store, n store.NewExecution) execution.Execution {
	t.Helper()
	e, created, err := s.CreateExecution(context.Background(), n)
	if err != nil || !created {
		t.Fatalf("CreateExecution: created=%v err=%v", created, err)
	}
	return e
}

// claim claims id for worker at now with a 10 s lease and fails the test unless it won.
func claim(t *testing.T, s store.Store, id, worker string, now time.Time) execution.Execution {
	t.Helper()
	e, ok, err := s.Claim(context.Background(), id, worker, now, 10*time.Second)
	if err != nil || !ok {
		t.Fatalf("Claim(%s, %s): ok=%v err=%v", id, worker, ok, err)
	}
	return e
}

func get(t *testing.T, s store.Store, id string) execution.Execution {
	t.Helper()
	e, err := s.GetExecution(context.Background(), id)
	if err != nil {
		t.Fatalf("GetExecution: %v", err)
	}
	return e
}

// wantKind fails the test unless err is a *problem.Error of kind k, and returns it.
func wantKind(t *testing.T, err error, k problem.Kind) *problem.Error {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Kind != k {
		t.Fatalf("error = %v (kind %v), want kind %v", err, problem.KindOf(err), k)
	}
	return p
}

func wantEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}
