// Conformance tests of the per-owner quotas: active executions and runs per window, across sessions.

package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"livecode/internal/problem"
	"livecode/internal/session"
	"livecode/internal/store"
)

func quotaTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"OwnerStored":         testOwnerStored,
		"OwnerUpdate":         testOwnerUpdate,
		"OwnerActive":         testOwnerActive,
		"OwnerRate":           testOwnerRate,
		"NoOwnerNoQuota":      testNoOwnerNoQuota,
		"OwnerActiveRace":     testOwnerActiveRace,
		"OwnersAreSeparate":   testOwnersAreSeparate,
		"OwnerQuotaAfterIdem": testOwnerQuotaIdempotentReplay,
	}
}

// ownedSession stores an ACTIVE session of owner.
func ownedSession(t *testing.T, s store.Store, owner string) session.Session {
	t.Helper()
	ss := session.Session{ID: newID(t), Status: session.StatusActive, Language: "python", SourceCode: "x",
		Owner: owner, CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateSession(context.Background(), ss); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return ss
}

// quotaExec is a run request bounded only by the owner's quotas.
func quotaExec(t *testing.T, sessionID string, now time.Time, maxActive, rate int, window time.Duration) store.NewExecution {
	t.Helper()
	n := newExec(t, sessionID, now)
	n.OwnerMaxActive, n.OwnerRateLimit, n.OwnerRateWindow = maxActive, rate, window
	return n
}

// testOwnerUpdate: an update for an owner changes only that owner's session; another owner's is
// NotFound and unchanged, exactly as an unknown one; a closed one of its own is a Conflict.
func testOwnerUpdate(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := ownedSession(t, s, "alice")
	got, err := s.UpdateSession(ctx, ss.ID, store.SessionPatch{SourceCode: ptr("by alice"), Now: at(time.Second), Owner: ptr("alice")})
	if err != nil {
		t.Fatalf("UpdateSession by its owner: %v", err)
	}
	wantEqual(t, "code updated by its owner", got.SourceCode, "by alice")
	_, err = s.UpdateSession(ctx, ss.ID, store.SessionPatch{SourceCode: ptr("by bob"), Now: at(2 * time.Second), Owner: ptr("bob")})
	wantKind(t, err, problem.NotFound)
	_, err = s.UpdateSession(ctx, newID(t), store.SessionPatch{SourceCode: ptr("x"), Now: at(2 * time.Second), Owner: ptr("bob")})
	wantKind(t, err, problem.NotFound)
	stored, _ := s.GetSession(ctx, ss.ID)
	wantEqual(t, "code after another owner's update", stored.SourceCode, "by alice")
	if _, err := s.CloseSession(ctx, ss.ID, at(3*time.Second)); err != nil {
		t.Fatalf("CloseSession: %v", err)
	}
	_, err = s.UpdateSession(ctx, ss.ID, store.SessionPatch{SourceCode: ptr("late"), Now: at(4 * time.Second), Owner: ptr("alice")})
	wantKind(t, err, problem.Conflict)
}

func testOwnerStored(t *testing.T, s store.Store) {
	ss := ownedSession(t, s, "alice")
	got, err := s.GetSession(context.Background(), ss.ID)
	if err != nil {
		t.Fatalf("GetSession: %v", err)
	}
	wantEqual(t, "owner", got.Owner, "alice")
	if _, err := s.UpdateSession(context.Background(), ss.ID, store.SessionPatch{SourceCode: ptr("y"), Now: at(time.Second)}); err != nil {
		t.Fatalf("UpdateSession: %v", err)
	}
	closed, err := s.CloseSession(context.Background(), ss.ID, at(2*time.Second))
	if err != nil {
		t.Fatalf("CloseSession: %v", err)
	}
	wantEqual(t, "owner after update and close", closed.Owner, "alice")
}

// The active quota counts QUEUED and RUNNING executions of every session of the owner, and a
// terminal execution frees its place.
func testOwnerActive(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := ownedSession(t, s, "alice"), ownedSession(t, s, "alice")
	first := create(t, s, quotaExec(t, a.ID, t0, 2, 0, 0))
	claim(t, s, first.ID, "w1", t0)
	create(t, s, quotaExec(t, b.ID, at(time.Second), 2, 0, 0))
	_, created, err := s.CreateExecution(ctx, quotaExec(t, a.ID, at(2*time.Second), 2, 0, 0))
	p := wantKind(t, err, problem.RateLimited)
	if created || !strings.Contains(p.Message, "QUOTA_MAX_ACTIVE") {
		t.Errorf("created=%v message %q; want refused naming QUOTA_MAX_ACTIVE", created, p.Message)
	}
	if _, err := s.Finish(ctx, first.ID, "w1", 1, completed("x"), at(3*time.Second)); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	create(t, s, quotaExec(t, a.ID, at(4*time.Second), 2, 0, 0))
}

// The run quota counts the owner's runs within the window across sessions; Retry-After is when
// the oldest leaves it.
func testOwnerRate(t *testing.T, s store.Store) {
	a, b := ownedSession(t, s, "alice"), ownedSession(t, s, "alice")
	const window = time.Minute
	create(t, s, quotaExec(t, a.ID, t0, 0, 2, window))
	create(t, s, quotaExec(t, b.ID, at(10*time.Second), 0, 2, window))
	_, created, err := s.CreateExecution(context.Background(), quotaExec(t, a.ID, at(20*time.Second), 0, 2, window))
	p := wantKind(t, err, problem.RateLimited)
	if created || p.RetryAfter != 40*time.Second || !strings.Contains(p.Message, "QUOTA_RUN_RATE_LIMIT") {
		t.Errorf("created=%v RetryAfter %v message %q; want refused, 40s, naming QUOTA_RUN_RATE_LIMIT", created, p.RetryAfter, p.Message)
	}
	create(t, s, quotaExec(t, b.ID, at(61*time.Second), 0, 2, window))
}

// Sessions without an owner (authentication off) are never bound by the owner quotas.
func testNoOwnerNoQuota(t *testing.T, s store.Store) {
	ss := newSession(t, s)
	for i := range 3 {
		create(t, s, quotaExec(t, ss.ID, at(time.Duration(i)*time.Second), 1, 1, time.Hour))
	}
}

// One owner's quota does not count another owner's executions.
func testOwnersAreSeparate(t *testing.T, s store.Store) {
	a, b := ownedSession(t, s, "alice"), ownedSession(t, s, "bob")
	create(t, s, quotaExec(t, a.ID, t0, 1, 1, time.Hour))
	create(t, s, quotaExec(t, b.ID, t0, 1, 1, time.Hour))
}

// Replaying an idempotent request returns its execution even when the quota is now full.
func testOwnerQuotaIdempotentReplay(t *testing.T, s store.Store) {
	ss := ownedSession(t, s, "alice")
	n := quotaExec(t, ss.ID, t0, 1, 0, 0)
	n.IdempotencyKey, n.RequestHash, n.IdempotencyTTL = "k1", "h1", time.Hour
	first := create(t, s, n)
	again := n
	again.ID, again.Now = newID(t), at(time.Second)
	e, created, err := s.CreateExecution(context.Background(), again)
	if err != nil || created || e.ID != first.ID {
		t.Errorf("replay: id %s created=%v err=%v; want %s, not created", e.ID, created, err, first.ID)
	}
}

// Runs racing on different sessions of one owner with QUOTA_MAX_ACTIVE=1: exactly one is
// admitted. Several rounds, each with its own owner, so that a missing lock shows.
func testOwnerActiveRace(t *testing.T, s store.Store) {
	for round := range 8 {
		owner := "owner-" + string(rune('a'+round))
		sessions := make([]session.Session, racers)
		for i := range sessions {
			sessions[i] = ownedSession(t, s, owner)
		}
		results := race(func(i int) createResult {
			e, created, err := s.CreateExecution(context.Background(), quotaExec(t, sessions[i].ID, t0, 1, 0, 0))
			return createResult{e, created, err}
		})
		wins := 0
		for _, r := range results {
			switch {
			case r.created:
				wins++
			case problem.KindOf(r.err) != problem.RateLimited:
				t.Errorf("CreateExecution: created=%v err=%v; want created or RateLimited", r.created, r.err)
			}
		}
		if wins != 1 {
			t.Errorf("%s: %d runs admitted, want exactly 1", owner, wins)
		}
	}
}
