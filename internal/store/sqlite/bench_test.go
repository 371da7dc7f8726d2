// Benchmarks of the SQLite store's hot paths: autosave and execution reads.

package sqlite_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"livecode/internal/execution"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/store/sqlite"
)

func benchStore(b *testing.B) (*sqlite.Store, session.Session) {
	b.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() { s.Close() })
	now := time.Now()
	ss := session.Session{ID: uuid.NewString(), Status: session.StatusActive, Language: "python",
		SourceCode: "print('hi')", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateSession(context.Background(), ss); err != nil {
		b.Fatalf("CreateSession: %v", err)
	}
	return s, ss
}

// BenchmarkUpdateSession is one autosave of a 2 KiB program.
func BenchmarkUpdateSession(b *testing.B) {
	s, ss := benchStore(b)
	code := string(make([]byte, 2048))
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			src := code + strconv.Itoa(i)
			if _, err := s.UpdateSession(ctx, ss.ID, store.SessionPatch{SourceCode: &src, Now: time.Now()}); err != nil {
				b.Fatalf("UpdateSession: %v", err)
			}
		}
	})
}

// BenchmarkGetExecution reads a finished execution with 4 KiB of output.
func BenchmarkGetExecution(b *testing.B) {
	s, ss := benchStore(b)
	ctx := context.Background()
	now := time.Now()
	id := uuid.NewString()
	_, _, err := s.CreateExecution(ctx, store.NewExecution{ID: id, SessionID: ss.ID, Language: "python",
		Code: "print('hi')", Limits: execution.Limits{TimeLimitMS: 5000}, Now: now})
	if err != nil {
		b.Fatalf("CreateExecution: %v", err)
	}
	if _, _, err := s.Claim(ctx, id, "w", now, time.Minute); err != nil {
		b.Fatalf("Claim: %v", err)
	}
	out := string(make([]byte, 4096))
	if _, err := s.Finish(ctx, id, "w", 1, execution.Result{Status: execution.StatusCompleted, Stdout: out, Output: out}, now); err != nil {
		b.Fatalf("Finish: %v", err)
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.GetExecution(ctx, id); err != nil {
				b.Fatalf("GetExecution: %v", err)
			}
		}
	})
}
