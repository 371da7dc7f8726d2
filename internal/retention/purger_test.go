// Tests of the purger over a real SQLite store: what it deletes, when, and that it stops.

package retention_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/retention"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/store/sqlite"
	"livecode/internal/testsvc"
)

var t0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// seed stores a session with n executions that finished at end, and one still queued.
func seed(t *testing.T, s *sqlite.Store, n int, end time.Time) (finished []string, queued string) {
	t.Helper()
	ctx := context.Background()
	sid := "s-" + t.Name()
	if err := s.CreateSession(ctx, session.Session{ID: sid, Status: session.StatusActive, Language: "python",
		CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	mk := func(i int) string {
		id := sid + "-" + string(rune('a'+i))
		if _, _, err := s.CreateExecution(ctx, store.NewExecution{ID: id, SessionID: sid, Language: "python",
			Limits: execution.Limits{TimeLimitMS: 1, MemoryLimitMB: 1, MaxProcesses: 1, OutputLimitBytes: 1},
			Now:    t0.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	for i := range n {
		id := mk(i)
		if _, err := s.Abort(ctx, id, execution.StatusFailed, execution.ReasonInternal, end); err != nil {
			t.Fatal(err)
		}
		finished = append(finished, id)
	}
	return finished, mk(n)
}

func open(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSweep(t *testing.T) {
	t.Parallel()
	s := open(t)
	done, queued := seed(t, s, 5, t0.Add(time.Hour))
	now := t0.Add(time.Hour + 30*time.Minute)
	cases := []struct {
		age  time.Duration
		want int
	}{{0, 0}, {time.Hour, 0}, {10 * time.Minute, 5}, {10 * time.Minute, 0}}
	for _, c := range cases {
		p := retention.New(s, retention.Config{Executions: c.age, Interval: time.Hour, Batch: 2, Now: func() time.Time { return now }})
		if n, err := p.Sweep(context.Background()); err != nil || n != c.want {
			t.Errorf("age %v: Sweep = %d, %v; want %d", c.age, n, err, c.want)
		}
	}
	for _, id := range done {
		if _, err := s.GetExecution(context.Background(), id); problem.KindOf(err) != problem.NotFound {
			t.Errorf("%s: %v, want NotFound", id, err)
		}
	}
	if _, err := s.GetExecution(context.Background(), queued); err != nil {
		t.Errorf("the queued execution: %v", err)
	}
}

func TestRunPurgesAndStops(t *testing.T) {
	t.Parallel()
	s := open(t)
	done, _ := seed(t, s, 3, t0)
	p := retention.New(s, retention.Config{Executions: time.Minute, Interval: 10 * time.Millisecond, Batch: 100,
		Now: func() time.Time { return t0.Add(time.Hour) }})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { p.Run(ctx); close(stopped) }()
	testsvc.Eventually(t, 30*time.Second, "Run purges", func() bool {
		_, err := s.GetExecution(context.Background(), done[len(done)-1])
		return problem.KindOf(err) == problem.NotFound
	})
	cancel()
	<-stopped
	if off := retention.New(s, retention.Config{Interval: time.Millisecond, Batch: 1}); off.Enabled() {
		t.Error("a purger with no ages is enabled")
	}
}
