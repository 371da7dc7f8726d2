// Conformance tests of a session's version: every change counts, and an autosave naming a
// version applies only to it (two tabs, one session).

package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"livecode/internal/problem"
	"livecode/internal/session"
	"livecode/internal/store"
)

// testSessionVersion checks which changes count: autosaves, a run that saves code, the first
// close; and which do not: a run of the stored code, a second close.
func testSessionVersion(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	version := func(what string, want int64) {
		t.Helper()
		got, err := s.GetSession(ctx, ss.ID)
		if err != nil {
			t.Fatalf("GetSession: %v", err)
		}
		if got.Version != want {
			t.Errorf("version after %s = %d, want %d", what, got.Version, want)
		}
	}
	version("create", session.FirstVersion)
	if _, err := s.UpdateSession(ctx, ss.ID, store.SessionPatch{SourceCode: ptr("a"), Now: at(time.Second)}); err != nil {
		t.Fatalf("UpdateSession: %v", err)
	}
	version("an autosave", 2)
	create(t, s, newExec(t, ss.ID, at(2*time.Second)))
	version("a run of the stored code", 2)
	n := newExec(t, ss.ID, at(3*time.Second))
	n.SaveCode, n.Code = true, "print('saved by a run')"
	create(t, s, n)
	version("a run that saves code", 3)
	closed, err := s.CloseSession(ctx, ss.ID, at(4*time.Second))
	if err != nil {
		t.Fatalf("CloseSession: %v", err)
	}
	wantEqual(t, "version closing returns", closed.Version, 4)
	if _, err := s.CloseSession(ctx, ss.ID, at(5*time.Second)); err != nil {
		t.Fatalf("second CloseSession: %v", err)
	}
	version("closing twice", 4)
}

// testIfVersion checks the conditional autosave: the named version is updated; another is
// refused with the session as it is, untouched; a closed session stays a Conflict and another
// owner's session stays NotFound whatever the version.
func testIfVersion(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	owner := ""
	saved, err := s.UpdateSession(ctx, ss.ID, store.SessionPatch{SourceCode: ptr("tab A"), Now: at(time.Second),
		IfVersion: ptr(ss.Version), Owner: &owner})
	if err != nil {
		t.Fatalf("UpdateSession at the current version: %v", err)
	}
	wantEqual(t, "version after a conditional autosave", saved.Version, ss.Version+1)

	// Tab B still edits the first version: refused, and told what tab A saved.
	_, err = s.UpdateSession(ctx, ss.ID, store.SessionPatch{SourceCode: ptr("tab B"), Now: at(2 * time.Second),
		IfVersion: ptr(ss.Version)})
	wantKind(t, err, problem.Stale)
	var stale *store.StaleSession
	if !errors.As(err, &stale) {
		t.Fatalf("error %T %v: want a *store.StaleSession", err, err)
	}
	wantEqual(t, "current session of a stale autosave", stale.Current, saved)
	stored, _ := s.GetSession(ctx, ss.ID)
	wantEqual(t, "session after a stale autosave", stored, saved)

	// Without a version the last write wins, as before.
	if _, err := s.UpdateSession(ctx, ss.ID, store.SessionPatch{SourceCode: ptr("tab B"), Now: at(3 * time.Second)}); err != nil {
		t.Fatalf("UpdateSession without a version: %v", err)
	}

	_, err = s.UpdateSession(ctx, ss.ID, store.SessionPatch{SourceCode: ptr("x"), Now: at(4 * time.Second),
		IfVersion: ptr(ss.Version), Owner: ptr("someone else")})
	wantKind(t, err, problem.NotFound)
	closed, err := s.CloseSession(ctx, ss.ID, at(5*time.Second))
	if err != nil {
		t.Fatalf("CloseSession: %v", err)
	}
	_, err = s.UpdateSession(ctx, ss.ID, store.SessionPatch{SourceCode: ptr("x"), Now: at(6 * time.Second),
		IfVersion: ptr(closed.Version)})
	wantKind(t, err, problem.Conflict)
}

// testIfVersionRace has every racer save over the same version: exactly one wins, each other
// is refused with a session at a later version, and no save is lost or applied twice.
func testIfVersionRace(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	type result struct {
		saved session.Session
		err   error
	}
	results := race(func(i int) result {
		got, err := s.UpdateSession(ctx, ss.ID, store.SessionPatch{SourceCode: ptr(string(rune('a' + i))),
			Now: at(time.Second), IfVersion: ptr(ss.Version)})
		return result{got, err}
	})
	var winner *session.Session
	for _, r := range results {
		var stale *store.StaleSession
		switch {
		case r.err == nil:
			if winner != nil {
				t.Fatalf("two conditional saves of version %d both applied: %q and %q", ss.Version, winner.SourceCode, r.saved.SourceCode)
			}
			winner = &r.saved
		case errors.As(r.err, &stale):
			if stale.Current.Version <= ss.Version {
				t.Errorf("refused save told of version %d, want one after %d", stale.Current.Version, ss.Version)
			}
		default:
			t.Fatalf("UpdateSession: %v", r.err)
		}
	}
	if winner == nil {
		t.Fatal("no conditional save applied")
	}
	stored, _ := s.GetSession(ctx, ss.ID)
	wantEqual(t, "session after the race", stored, *winner)
}
