// The SQLite store against the conformance suite.

package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"livecode/internal/store"
	"livecode/internal/store/sqlite"
	"livecode/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sub", "livecode.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, open)
}

func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "livecode.db")
	for i := range 2 {
		if err := sqlite.Migrate(context.Background(), path); err != nil {
			t.Fatalf("Migrate %d: %v", i, err)
		}
	}
}
