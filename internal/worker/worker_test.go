// Tests of the worker and the reaper against the real SQLite store, with a scripted runner.

package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/queue"
	"livecode/internal/sandbox"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/store/sqlite"
)

// runnerFunc is a Runner scripted by the test: the real sandbox is tested in its own package.
type runnerFunc func(ctx context.Context, spec sandbox.Spec) (execution.Result, error)

func (f runnerFunc) Run(ctx context.Context, spec sandbox.Spec) (execution.Result, error) {
	return f(ctx, spec)
}

type langs struct{}

func (langs) Lookup(id string) (language.Language, bool) {
	return language.Language{ID: id, SourceFile: "main.py", Run: []string{"python3", "main.py"}, Available: true}, id == "python"
}

type bundle struct {
	store *sqlite.Store
	exec  execution.Execution
}

// setup opens a fresh store holding one QUEUED execution, which opts may adjust.
func setup(t *testing.T, opts ...func(*store.NewExecution)) bundle {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Now()
	sid := uuid.NewString()
	if err := st.CreateSession(ctx, session.Session{ID: sid, Status: session.StatusActive, Language: "python", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	n := store.NewExecution{ID: uuid.Must(uuid.NewV7()).String(), SessionID: sid, Language: "python",
		Code: "print('hi')", Now: now, Limits: execution.Limits{TimeLimitMS: 1000}}
	for _, o := range opts {
		o(&n)
	}
	e, _, err := st.CreateExecution(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	return bundle{store: st, exec: e}
}

func completed(out string) execution.Result {
	zero := 0
	return execution.Result{Status: execution.StatusCompleted, Stdout: out, Output: out, ExitCode: &zero}
}

func get(t *testing.T, b bundle) execution.Execution {
	t.Helper()
	e, err := b.store.GetExecution(context.Background(), b.exec.ID)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestHandleRecordsResult(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var gotSpec sandbox.Spec
	w := New(b.store, runnerFunc(func(_ context.Context, s sandbox.Spec) (execution.Result, error) {
		gotSpec = s
		return completed("hi\n"), nil
	}), langs{}, Config{ID: "w1"})
	if err := w.Handle(context.Background(), queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}, MaxRetry: 2}); err != nil {
		t.Fatal(err)
	}
	e := get(t, b)
	if e.Status != execution.StatusCompleted || e.Result.Stdout != "hi\n" || e.Attempts != 1 || e.StartedAt == nil || e.FinishedAt == nil {
		t.Errorf("execution = %+v", e)
	}
	if len(gotSpec.Files) != 1 || gotSpec.Files[0].Name != "main.py" || gotSpec.Files[0].Content != "print('hi')" || gotSpec.Limits.TimeLimitMS != 1000 {
		t.Errorf("spec = %+v", gotSpec)
	}
	// A duplicate delivery of a finished execution is acknowledged and changes nothing.
	ran := false
	w2 := New(b.store, runnerFunc(func(context.Context, sandbox.Spec) (execution.Result, error) {
		ran = true
		return completed("again"), nil
	}), langs{}, Config{ID: "w2"})
	if err := w2.Handle(context.Background(), queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}}); err != nil || ran {
		t.Errorf("duplicate delivery: err %v ran %v", err, ran)
	}
	if got := get(t, b); got.Result.Stdout != "hi\n" || got.Attempts != 1 {
		t.Errorf("after duplicate: %+v", got)
	}
}

func TestSandboxFailureIsRetriedThenEndsInternal(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var calls atomic.Int32
	w := New(b.store, runnerFunc(func(context.Context, sandbox.Spec) (execution.Result, error) {
		calls.Add(1)
		return execution.Result{}, errors.New("bwrap: cannot start")
	}), langs{}, Config{ID: "w", MaxAttempts: 3})
	for retried := range 3 {
		d := queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}, Retried: retried, MaxRetry: 2}
		if err := w.Handle(context.Background(), d); err == nil {
			t.Fatalf("delivery %d: want an error so the queue retries", retried)
		}
		if e := get(t, b); retried < 2 && e.Status != execution.StatusRunning {
			t.Fatalf("after failed attempt %d: status %s, want RUNNING (lease released for the retry)", retried, e.Status)
		}
	}
	e := get(t, b)
	if e.Status != execution.StatusFailed || e.Result.Reason != execution.ReasonInternal || e.Attempts != 3 || calls.Load() != 3 {
		t.Errorf("after the last attempt: %+v, %d runs", e, calls.Load())
	}
}

func TestLostLeaseCancelsRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	started := make(chan struct{})
	w := New(b.store, runnerFunc(func(ctx context.Context, _ sandbox.Spec) (execution.Result, error) {
		close(started)
		<-ctx.Done() // a run that only ends when cancelled
		return execution.Result{Status: execution.StatusCancelled}, ctx.Err()
	}), langs{}, Config{ID: "w", Lease: 150 * time.Millisecond})
	errc := make(chan error, 1)
	go func() {
		errc <- w.Handle(context.Background(), queue.Delivery{Job: execution.Job{ExecutionID: b.exec.ID}, MaxRetry: 2})
	}()
	<-started
	// Someone cancels it: the renewal sees the execution is no longer held and stops the run.
	if ok, err := b.store.Abort(context.Background(), b.exec.ID, execution.StatusCancelled, execution.ReasonCancelled, time.Now()); !ok || err != nil {
		t.Fatalf("abort: %v %v", ok, err)
	}
	select {
	case <-errc:
	case <-time.After(5 * time.Second):
		t.Fatal("run was not cancelled after its lease was lost")
	}
	if e := get(t, b); e.Status != execution.StatusCancelled {
		t.Errorf("status %s, want CANCELLED kept", e.Status)
	}
}

// enqueuer records the jobs the reaper gives back.
type enqueuer struct {
	mu   sync.Mutex
	jobs []string
}

func (q *enqueuer) Enqueue(_ context.Context, j execution.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, j.ExecutionID)
	return nil
}

func TestReaperRequeuesExpiredLeaseAndEndsExhausted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	now := time.Now()
	// A worker claimed it and died: its lease expires.
	if _, ok, err := b.store.Claim(ctx, b.exec.ID, "dead", now.Add(-time.Minute), time.Second); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	q := &enqueuer{}
	r := NewReaper(b.store, q, ReaperConfig{MaxAttempts: 2})
	if n := r.Sweep(ctx, time.Hour); n != 1 || len(q.jobs) != 1 || q.jobs[0] != b.exec.ID {
		t.Fatalf("sweep requeued %d: %v", n, q.jobs)
	}
	// The second attempt dies too: that was the last one.
	if _, ok, err := b.store.Claim(ctx, b.exec.ID, "dead2", now.Add(-30*time.Second), time.Second); !ok || err != nil {
		t.Fatalf("second claim: %v %v", ok, err)
	}
	r.Sweep(ctx, time.Hour)
	if e := get(t, b); e.Status != execution.StatusFailed || e.Result.Reason != execution.ReasonInternal {
		t.Errorf("after the last attempt's lease expired: %s %s", e.Status, e.Result.Reason)
	}
	if len(q.jobs) != 1 {
		t.Errorf("requeued again: %v", q.jobs)
	}
}

// TestLogsCarryRequestID: every log line of a run carries the id of the request that queued it.
func TestLogsCarryRequestID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var buf lockedBuffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	w := New(b.store, runnerFunc(func(context.Context, sandbox.Spec) (execution.Result, error) {
		return completed("hi\n"), nil
	}), langs{}, Config{ID: "w1", Logger: log})
	job := execution.Job{ExecutionID: b.exec.ID, RequestID: "req-42"}
	if err := w.Handle(context.Background(), queue.Delivery{Job: job, MaxRetry: 2}); err != nil {
		t.Fatal(err)
	}
	lines := 0
	for line := range strings.Lines(buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if m["execution_id"] != b.exec.ID {
			continue
		}
		lines++
		if m["request_id"] != "req-42" {
			t.Errorf("log line without the request id: %s", line)
		}
	}
	if lines == 0 {
		t.Fatalf("no log line names the execution: %s", buf.String())
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
