// Conformance tests of sessions and autosave.

package storetest

import (
	"context"
	"testing"
	"time"

	"livecode/internal/problem"
	"livecode/internal/session"
	"livecode/internal/store"
)

func sessionTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"RoundTrip": func(t *testing.T, s store.Store) {
			ctx := context.Background()
			want := session.Session{ID: newID(t), Status: session.StatusActive, Language: "javascript",
				SourceCode: "console.log('é ✓ \x00 end')", CreatedAt: at(time.Second), UpdatedAt: at(2 * time.Second)}
			if err := s.CreateSession(ctx, want); err != nil {
				t.Fatalf("CreateSession: %v", err)
			}
			got, err := s.GetSession(ctx, want.ID)
			if err != nil {
				t.Fatalf("GetSession: %v", err)
			}
			want.CreatedAt, want.UpdatedAt, want.Version = ms(want.CreatedAt), ms(want.UpdatedAt), session.FirstVersion
			wantEqual(t, "session", got, want)
			wantKind(t, s.CreateSession(ctx, want), problem.Conflict)
		},
		"Unknown": func(t *testing.T, s store.Store) {
			ctx := context.Background()
			_, err := s.GetSession(ctx, newID(t))
			wantKind(t, err, problem.NotFound)
			_, err = s.UpdateSession(ctx, newID(t), store.SessionPatch{SourceCode: ptr("x"), Now: t0})
			wantKind(t, err, problem.NotFound)
			_, err = s.CloseSession(ctx, newID(t), t0)
			wantKind(t, err, problem.NotFound)
		},
		"Update":        testUpdateSession,
		"Close":         testCloseSession,
		"Version":       testSessionVersion,
		"IfVersion":     testIfVersion,
		"IfVersionRace": testIfVersionRace,
	}
}

func testUpdateSession(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	tests := []struct {
		name         string
		patch        store.SessionPatch
		lang, source string
	}{
		{"code", store.SessionPatch{SourceCode: ptr("print(2)")}, "python", "print(2)"},
		{"language", store.SessionPatch{Language: ptr("bash")}, "bash", "print(2)"},
		{"both", store.SessionPatch{Language: ptr("python"), SourceCode: ptr("x = 1")}, "python", "x = 1"},
		{"empty code", store.SessionPatch{SourceCode: ptr("")}, "python", ""},
		{"nothing", store.SessionPatch{}, "python", ""},
	}
	for i, tt := range tests {
		tt.patch.Now = at(time.Duration(i+1) * time.Minute)
		got, err := s.UpdateSession(ctx, ss.ID, tt.patch)
		if err != nil {
			t.Fatalf("%s: UpdateSession: %v", tt.name, err)
		}
		want := session.Session{ID: ss.ID, Status: session.StatusActive, Language: tt.lang, SourceCode: tt.source,
			CreatedAt: ss.CreatedAt, UpdatedAt: ms(tt.patch.Now), Version: ss.Version + int64(i+1)}
		wantEqual(t, tt.name+": returned", got, want)
		stored, err := s.GetSession(ctx, ss.ID)
		if err != nil {
			t.Fatalf("GetSession: %v", err)
		}
		wantEqual(t, tt.name+": stored", stored, want)
	}
}

func testCloseSession(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	got, err := s.CloseSession(ctx, ss.ID, at(time.Hour))
	if err != nil {
		t.Fatalf("CloseSession: %v", err)
	}
	if got.Status != session.StatusClosed || !got.UpdatedAt.Equal(ms(at(time.Hour))) {
		t.Errorf("closed session = %+v, want CLOSED updated at %v", got, ms(at(time.Hour)))
	}
	again, err := s.CloseSession(ctx, ss.ID, at(2*time.Hour))
	if err != nil {
		t.Fatalf("second CloseSession: %v", err)
	}
	wantEqual(t, "closing twice", again, got)
	_, err = s.UpdateSession(ctx, ss.ID, store.SessionPatch{SourceCode: ptr("late"), Now: at(3 * time.Hour)})
	p := wantKind(t, err, problem.Conflict)
	if p.Ref != ss.ID {
		t.Errorf("Conflict Ref = %q, want the session id %q", p.Ref, ss.ID)
	}
	_, _, err = s.CreateExecution(ctx, newExec(t, ss.ID, at(3*time.Hour)))
	wantKind(t, err, problem.Conflict)
	stored, _ := s.GetSession(ctx, ss.ID)
	wantEqual(t, "session after refused edits", stored, got)
}
