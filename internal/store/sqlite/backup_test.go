// Tests of Backup: a copy taken while the database is written is complete and opens.

package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/store/sqlite"
)

func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	for i := range 50 {
		if err := s.CreateSession(ctx, session.Session{ID: "s" + strconv.Itoa(i), Status: session.StatusActive,
			Language: "python", SourceCode: "v0", CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	// Autosaves go on during the backup; none may fail because of it.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	saves := 0
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			code := "v" + strconv.Itoa(saves+1)
			if _, err := s.UpdateSession(ctx, "s0", store.SessionPatch{SourceCode: &code, Now: time.Now()}); err != nil {
				t.Errorf("autosave during backup: %v", err)
				return
			}
			saves++
		}
	})
	dest := filepath.Join(dir, "copy.db")
	err = sqlite.Backup(ctx, path, dest)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if fi, err := os.Stat(dest); err != nil {
		t.Errorf("copy: %v", err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("copy mode %v, want 0600", fi.Mode().Perm())
	}
	if err := sqlite.Backup(ctx, path, dest); err == nil {
		t.Error("a second backup over the first succeeded")
	}
	c, err := sqlite.Open(ctx, dest)
	if err != nil {
		t.Fatalf("open the copy: %v", err)
	}
	defer c.Close()
	page, _, err := c.ListSessions(ctx, store.SessionFilter{Limit: 100})
	if err != nil || len(page) != 50 {
		t.Fatalf("copy has %d sessions (%v), want 50", len(page), err)
	}
	if _, err := c.GetSession(ctx, "s0"); err != nil {
		t.Errorf("copy: %v", err)
	}
}
