// The purge under load: RETENTION_LOAD_ROWS expired executions purged while a client autosaves.

package retention_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"livecode/internal/config"
	"livecode/internal/retention"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/store/postgres"
	"livecode/internal/store/sqlite"
	"livecode/internal/testsvc"
)

// loadRows is the number of expired executions the load tests purge; unset skips them.
func loadRows(t *testing.T) int {
	n, err := strconv.Atoi(os.Getenv("RETENTION_LOAD_ROWS"))
	if err != nil || n <= 0 {
		t.Skip("set RETENTION_LOAD_ROWS to run the purge under load")
	}
	return n
}

const perSession = 1000 // executions per seeded session

// loadBatch is the purge's batch: RETENTION_LOAD_BATCH, else the default of RETENTION_BATCH.
func loadBatch() int {
	if n, err := strconv.Atoi(os.Getenv("RETENTION_LOAD_BATCH")); err == nil && n > 0 {
		return n
	}
	return config.Default().RetentionBatch
}

func TestPurgeLoadSQLite(t *testing.T) {
	n := loadRows(t)
	path := filepath.Join(t.TempDir(), "load.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, err := sql.Open("sqlite", sqlite.DSN(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	// Sessions s0…, each with perSession executions finished at t0, 300 bytes of output each.
	seed := `WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < ? - 1)
	INSERT INTO executions (id, session_id, language, code, files, stdin, args, time_limit_ms, memory_limit_mb,
	    max_processes, output_limit_bytes, status, queued_at, finished_at, stdout, output)
	SELECT 'e' || x, 's' || (x / ?), 'python', 'print(1)', '[]', '', '[]', 5000, 256, 64, 1048576, 'COMPLETED',
	    ? + x, ? + x, printf('%.300c', 'x'), printf('%.300c', 'x') FROM c`
	if _, err := db.Exec(`WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < ? - 1)
		INSERT INTO sessions (id, status, language, source_code, created_at, updated_at)
		SELECT 's' || x, 'ACTIVE', 'python', '', ?, ? FROM c`, (n+perSession-1)/perSession, t0.UnixMilli(), t0.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(seed, n, perSession, t0.UnixMilli(), t0.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	t.Logf("sqlite: seeded %d executions in %v", n, time.Since(start).Round(time.Millisecond))
	measure(t, s, n)
}

func TestPurgeLoadPostgres(t *testing.T) {
	n := loadRows(t)
	url := testsvc.PostgresDB(t)
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	start := time.Now()
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO sessions (id, status, language, source_code, created_at, updated_at)
		SELECT 's' || x, 'ACTIVE', 'python', '', $2, $2 FROM generate_series(0, $1 - 1) x`, (n+perSession-1)/perSession, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO executions (id, session_id, language, code, files, stdin, args, time_limit_ms,
	    memory_limit_mb, max_processes, output_limit_bytes, status, queued_at, finished_at, stdout, output)
		SELECT 'e' || x, 's' || (x / $2), 'python', 'print(1)', '[]', '', '[]', 5000, 256, 64, 1048576, 'COMPLETED',
		    $3::timestamptz + x * interval '1 millisecond', $3::timestamptz + x * interval '1 millisecond',
		    convert_to(repeat('x', 300), 'UTF8'), convert_to(repeat('x', 300), 'UTF8')
		FROM generate_series(0, $1 - 1) x`, n, perSession, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	t.Logf("postgres: seeded %d executions in %v", n, time.Since(start).Round(time.Millisecond))
	measure(t, s, n)
}

// measure autosaves a session of its own for a baseline, then again while the purger deletes
// all n executions, and logs the purge's time and the autosave latencies of both phases.
func measure(t *testing.T, s store.Store, n int) {
	ctx := context.Background()
	now := time.Now()
	if err := s.CreateSession(ctx, session.Session{ID: "editor", Status: session.StatusActive, Language: "python",
		CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	code := strings.Repeat("x", 2000)
	autosave := func(stop <-chan struct{}) []time.Duration {
		var lat []time.Duration
		for {
			select {
			case <-stop:
				return lat
			default:
			}
			begin := time.Now()
			if _, err := s.UpdateSession(ctx, "editor", store.SessionPatch{SourceCode: &code, Now: time.Now()}); err != nil {
				t.Errorf("autosave: %v", err)
				return lat
			}
			lat = append(lat, time.Since(begin))
			time.Sleep(5 * time.Millisecond) // an editor's pace, not a flood
		}
	}
	stop := make(chan struct{})
	time.AfterFunc(3*time.Second, func() { close(stop) })
	report(t, "autosave, no purge", autosave(stop))

	batch := loadBatch()
	p := retention.New(s, retention.Config{Executions: time.Hour, Interval: time.Hour, Batch: batch,
		Now: func() time.Time { return t0.Add(24 * time.Hour) }})
	stop = make(chan struct{})
	var during []time.Duration
	var wg sync.WaitGroup
	wg.Go(func() { during = autosave(stop) })
	start := time.Now()
	deleted, err := p.Sweep(ctx)
	took := time.Since(start)
	close(stop)
	wg.Wait()
	if err != nil || deleted != n {
		t.Fatalf("Sweep = %d, %v; want %d", deleted, err, n)
	}
	t.Logf("purged %d executions in %v (%.0f rows/s), batches of %d", n, took.Round(time.Millisecond), float64(n)/took.Seconds(), batch)
	report(t, "autosave during purge", during)
}

func report(t *testing.T, what string, lat []time.Duration) {
	if len(lat) == 0 {
		t.Errorf("%s: no samples", what)
		return
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))].Round(10 * time.Microsecond) }
	t.Logf("%s: %d saves, p50 %v, p99 %v, max %v", what, len(lat), q(0.5), q(0.99), lat[len(lat)-1].Round(10*time.Microsecond))
}
