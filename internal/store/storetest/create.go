// Conformance tests of CreateExecution: the stored snapshot, saving code, and admission rules.

package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/store"
)

func createTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"RoundTrip": func(t *testing.T, s store.Store) {
			ss := newSession(t, s)
			n := newExec(t, ss.ID, at(time.Second))
			n.Code, n.Stdin = "import sys\nprint(sys.stdin.read())\x00", "input é\n"
			n.Files = []execution.File{{Name: "lib.py", Content: "X = 1\n"}, {Name: "data.txt", Content: ""}}
			n.Args = []string{"-v", "two words", ""}
			n.Interactive = true
			n.ExpectedOutput = ptr("")
			e, created, err := s.CreateExecution(context.Background(), n)
			if err != nil || !created {
				t.Fatalf("CreateExecution: created=%v err=%v", created, err)
			}
			want := execution.Execution{ID: n.ID, SessionID: ss.ID, Language: "python", Code: n.Code, Files: n.Files,
				Stdin: n.Stdin, Args: n.Args, Limits: n.Limits, Interactive: true, ExpectedOutput: ptr(""), Status: execution.StatusQueued, QueuedAt: ms(n.Now)}
			wantEqual(t, "returned", e, want)
			wantEqual(t, "stored", get(t, s, n.ID), want)
			_, _, err = s.CreateExecution(context.Background(), n)
			wantKind(t, err, problem.Conflict) // same id again
		},
		"NoFiles": func(t *testing.T, s store.Store) {
			ss := newSession(t, s)
			n := newExec(t, ss.ID, t0)
			n.Files, n.Args = []execution.File{}, []string{}
			create(t, s, n)
			e := get(t, s, n.ID)
			if len(e.Files) != 0 || len(e.Args) != 0 || e.ExpectedOutput != nil {
				t.Errorf("files %v args %v expected output %v, want none", e.Files, e.Args, e.ExpectedOutput)
			}
		},
		"UnknownSession": func(t *testing.T, s store.Store) {
			_, _, err := s.CreateExecution(context.Background(), newExec(t, newID(t), t0))
			wantKind(t, err, problem.NotFound)
		},
		"SaveCode": func(t *testing.T, s store.Store) {
			ss := newSession(t, s)
			n := newExec(t, ss.ID, at(time.Minute))
			n.Language, n.Code, n.SaveCode = "bash", "echo saved", true
			create(t, s, n)
			got, err := s.GetSession(context.Background(), ss.ID)
			if err != nil {
				t.Fatalf("GetSession: %v", err)
			}
			if got.Language != "bash" || got.SourceCode != "echo saved" || !got.UpdatedAt.Equal(ms(n.Now)) {
				t.Errorf("session after SaveCode = %+v, want bash/echo saved at %v", got, ms(n.Now))
			}
		},
	}
}

func admissionTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"MaxActive":   testMaxActive,
		"MaxActive2":  testMaxActiveTwo,
		"RateLimit":   testRateLimit,
		"RefusedSave": testRefusedRunSavesNothing,
	}
}

func testMaxActive(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	first := newExec(t, ss.ID, t0)
	first.MaxActive = 1
	create(t, s, first)
	for _, step := range []string{"queued", "running"} {
		if step == "running" {
			claim(t, s, first.ID, "w1", at(time.Second))
		}
		n := newExec(t, ss.ID, at(2*time.Second))
		n.MaxActive = 1
		_, _, err := s.CreateExecution(ctx, n)
		p := wantKind(t, err, problem.Conflict)
		if p.Ref != first.ID || !strings.Contains(p.Message, first.ID) {
			t.Errorf("%s: Conflict Ref %q message %q, want both naming %s", step, p.Ref, p.Message, first.ID)
		}
	}
	unlimited := newExec(t, ss.ID, at(3*time.Second))
	create(t, s, unlimited) // MaxActive 0: no bound
	for _, id := range []string{first.ID, unlimited.ID} {
		if _, err := s.Abort(ctx, id, execution.StatusCancelled, execution.ReasonCancelled, at(4*time.Second)); err != nil {
			t.Fatalf("Abort: %v", err)
		}
	}
	again := newExec(t, ss.ID, at(5*time.Second))
	again.MaxActive = 1
	create(t, s, again)
}

func testMaxActiveTwo(t *testing.T, s store.Store) {
	ss := newSession(t, s)
	var ids []string
	for i := range 2 {
		n := newExec(t, ss.ID, at(time.Duration(i)*time.Second))
		n.MaxActive = 2
		ids = append(ids, create(t, s, n).ID)
	}
	n := newExec(t, ss.ID, at(3*time.Second))
	n.MaxActive = 2
	_, _, err := s.CreateExecution(context.Background(), n)
	if p := wantKind(t, err, problem.Conflict); p.Ref != ids[0] && p.Ref != ids[1] {
		t.Errorf("Conflict Ref %q, want one of %v", p.Ref, ids)
	}
}

func testRateLimit(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	req := func(d time.Duration) store.NewExecution {
		n := newExec(t, ss.ID, at(d))
		n.RateLimit, n.RateWindow = 3, time.Minute
		return n
	}
	for _, d := range []time.Duration{0, 10 * time.Second, 20 * time.Second} {
		create(t, s, req(d))
	}
	tests := []struct {
		at    time.Duration
		retry time.Duration // 0: allowed
	}{
		{30 * time.Second, 30 * time.Second},
		{59*time.Second + 500*time.Millisecond, time.Second}, // rounds up
		{time.Minute - time.Millisecond, time.Second},        // at least one second
		{time.Minute + time.Millisecond, 0},                  // the oldest left the window
	}
	for _, tt := range tests {
		_, created, err := s.CreateExecution(ctx, req(tt.at))
		if tt.retry == 0 {
			if err != nil || !created {
				t.Errorf("at %v: created=%v err=%v, want created", tt.at, created, err)
			}
			continue
		}
		p := wantKind(t, err, problem.RateLimited)
		if p.RetryAfter != tt.retry {
			t.Errorf("at %v: RetryAfter %v, want %v", tt.at, p.RetryAfter, tt.retry)
		}
	}
}

// A refused run must not save the code it carried: admission is one transaction.
func testRefusedRunSavesNothing(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	first := newExec(t, ss.ID, t0)
	first.MaxActive = 1
	create(t, s, first)
	n := newExec(t, ss.ID, at(time.Minute))
	n.MaxActive, n.SaveCode, n.Code = 1, true, "print('refused')"
	_, _, err := s.CreateExecution(ctx, n)
	wantKind(t, err, problem.Conflict)
	got, _ := s.GetSession(ctx, ss.ID)
	wantEqual(t, "session after refused run", got, ss)
	if _, err := s.GetExecution(ctx, n.ID); problem.KindOf(err) != problem.NotFound {
		t.Errorf("refused execution stored: GetExecution err = %v", err)
	}
}
