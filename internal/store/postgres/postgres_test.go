// The PostgreSQL store against the conformance suite, each test in a database of its own.

package postgres_test

import (
	"context"
	"testing"
	"time"

	"livecode/internal/problem"
	"livecode/internal/store"
	"livecode/internal/store/postgres"
	"livecode/internal/store/storetest"
	"livecode/internal/testsvc"
)

func open(t *testing.T) store.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), testsvc.PostgresDB(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, open)
}

func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	url := testsvc.PostgresDB(t)
	for i := range 2 {
		if err := postgres.Migrate(context.Background(), url); err != nil {
			t.Fatalf("Migrate %d: %v", i, err)
		}
	}
}

func TestUnreachableIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := postgres.Open(ctx, "postgres://postgres@127.0.0.1:1/none?sslmode=disable")
	if problem.KindOf(err) != problem.Unavailable {
		t.Errorf("Open of a closed port: %v (kind %v), want Unavailable", err, problem.KindOf(err))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Open took %v to fail, want a few seconds at most", d)
	}
}

// TestServerDownIsUnavailable stops a private server under an open store: reads and writes
// must fail fast with Unavailable, never hang.
func TestServerDownIsUnavailable(t *testing.T) {
	t.Parallel()
	testsvc.SkipShort(t, "a PostgreSQL server of its own, stopped and started")
	ctx := context.Background()
	srv, err := testsvc.StartPostgres(ctx)
	if err != nil {
		t.Fatalf("StartPostgres: %v", err)
	}
	s, err := postgres.Open(ctx, srv.URL)
	if err != nil {
		srv.Stop()
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping before the outage: %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	tests := []struct {
		name string
		call func(context.Context) error
	}{
		{"Ping", s.Ping},
		{"GetSession", func(ctx context.Context) error { _, err := s.GetSession(ctx, "x"); return err }},
		{"ExpireLeases", func(ctx context.Context) error { _, err := s.ExpireLeases(ctx, time.Now()); return err }},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		start := time.Now()
		err := tt.call(ctx)
		cancel()
		if problem.KindOf(err) != problem.Unavailable {
			t.Errorf("%s with the server down: %v (kind %v), want Unavailable", tt.name, err, problem.KindOf(err))
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s took %v to fail", tt.name, d)
		}
	}
}
