// Conformance tests of a run that brings its own session (NewExecution.NewSession, POST /run).

package storetest

import (
	"context"
	"testing"
	"time"

	"livecode/internal/problem"
	"livecode/internal/session"
	"livecode/internal/store"
)

func newSessionTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"Created":            testNewSessionCreated,
		"RefusedCreatesNone": testNewSessionRefused,
		"ReplayCreatesNone":  testNewSessionReplay,
	}
}

// oneCall is a run that brings a session of owner's.
func oneCall(t *testing.T, owner string, now time.Time) store.NewExecution {
	t.Helper()
	n := newExec(t, newID(t), now)
	n.NewSession = &session.Session{ID: n.SessionID, Status: session.StatusActive, Language: n.Language,
		SourceCode: n.Code, Owner: owner, CreatedAt: ms(now), UpdatedAt: ms(now), Version: session.FirstVersion}
	return n
}

func testNewSessionCreated(t *testing.T, s store.Store) {
	ctx := context.Background()
	n := oneCall(t, "key-a", t0)
	e := create(t, s, n)
	wantEqual(t, "execution's session", e.SessionID, n.SessionID)
	got, err := s.GetSession(ctx, n.SessionID)
	if err != nil {
		t.Fatalf("GetSession: %v", err)
	}
	wantEqual(t, "session", got, *n.NewSession)
}

// A run refused by the owner's quota leaves no session behind: one transaction.
func testNewSessionRefused(t *testing.T, s store.Store) {
	ctx := context.Background()
	owner := "key-" + newID(t)
	first := oneCall(t, owner, t0)
	first.OwnerMaxActive = 1
	create(t, s, first)
	n := oneCall(t, owner, at(time.Second))
	n.OwnerMaxActive = 1
	_, _, err := s.CreateExecution(ctx, n)
	wantKind(t, err, problem.RateLimited)
	if _, err := s.GetSession(ctx, n.SessionID); problem.KindOf(err) != problem.NotFound {
		t.Errorf("refused run's session stored: GetSession err = %v", err)
	}
}

// A replay returns the first execution and creates no second session.
func testNewSessionReplay(t *testing.T, s store.Store) {
	ctx := context.Background()
	key := "run/" + newID(t)
	req := func(d time.Duration) store.NewExecution {
		n := oneCall(t, "key-a", at(d))
		n.IdempotencyKey, n.RequestHash, n.IdempotencyTTL = key, "hash-1", time.Hour
		return n
	}
	first := create(t, s, req(0))
	again := req(time.Second)
	e, created, err := s.CreateExecution(ctx, again)
	if err != nil || created || e.ID != first.ID {
		t.Fatalf("replay: created=%v id=%s err=%v, want %s", created, e.ID, err, first.ID)
	}
	if _, err := s.GetSession(ctx, again.SessionID); problem.KindOf(err) != problem.NotFound {
		t.Errorf("replay's session stored: GetSession err = %v", err)
	}
	mismatch := req(2 * time.Second)
	mismatch.RequestHash = "hash-2"
	_, _, err = s.CreateExecution(ctx, mismatch)
	wantKind(t, err, problem.Unprocessable)
	if _, err := s.GetSession(ctx, mismatch.SessionID); problem.KindOf(err) != problem.NotFound {
		t.Errorf("mismatched replay's session stored: GetSession err = %v", err)
	}
}
