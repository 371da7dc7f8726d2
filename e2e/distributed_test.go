// End-to-end test of the distributed mode: API and worker processes on PostgreSQL and Redis.
package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"livecode/internal/testsvc"
)

// distributedEnv returns the environment of a distributed deployment with its own database and
// queue name, so tests never see each other's data.
func distributedEnv(t testing.TB) []string {
	t.Helper()
	base := testsvc.Postgres(t)
	name := fmt.Sprintf("livecode_e2e_%d", rand.Uint64())
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), base)
		if err == nil {
			conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(context.Background())
		}
	})
	u, _ := url.Parse(base)
	u.Path = "/" + name
	return []string{
		"DATABASE_URL=" + u.String(),
		"REDIS_URL=" + testsvc.Redis(t),
		"EXECUTION_QUEUE_NAME=" + name,
		"MAX_ACTIVE_PER_SESSION=0", "RUN_RATE_LIMIT=0",
		"LEASE_DURATION=3s", "REAP_INTERVAL=1s",
	}
}

// TestDistributedSurvivesWorkerKill runs 300 executions through two API servers and three
// workers, SIGKILLs one worker while it holds executions, and expects every execution to complete
// with its own program's output, those it held by another attempt.
func TestDistributedSurvivesWorkerKill(t *testing.T) {
	env := distributedEnv(t)
	apis := []*proc{start(t, "api", env...), start(t, "api", env...)}
	var workers []*proc
	for range 3 {
		workers = append(workers, start(t, "worker", append(env, "WORKERS=4")...))
	}
	session := newSession(t, apis[0].URL, "python", "print('x')")

	const n = 300
	ids := make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var r struct {
				ID string `json:"executionId"`
			}
			// The time limit is out of the way: a slow, loaded host must not turn these into TIMEOUT.
			body := map[string]any{"sessionId": session, "language": "python", "time_limit_ms": 30000,
				"code": fmt.Sprintf("import time\ntime.sleep(0.05)\nprint('execution %d')", i)}
			if code := call(t, "POST", apis[i%2].URL+"/executions", body, &r); code != 202 {
				t.Errorf("POST /executions %d: status %d", i, code)
				return
			}
			ids[i] = r.ID
		}()
	}
	held := killHolding(t, envValue(env, "DATABASE_URL"), workers[0])
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	retried, heldRetried := 0, 0
	for i, id := range ids {
		e := await(ctx, t, apis[(i+1)%2].URL, id)
		if e.Status != "COMPLETED" || e.Stdout != fmt.Sprintf("execution %d\n", i) {
			t.Errorf("execution %d: %s %s %q", i, e.Status, e.Reason, e.Stdout)
		}
		if e.Attempts > 1 {
			retried++
			if slices.Contains(held, id) {
				heldRetried++
			}
		}
	}
	// A held execution whose Finish was already on its way to PostgreSQL when the worker stopped
	// completes by its first attempt; all of them cannot.
	if heldRetried == 0 {
		t.Errorf("none of the %d executions the killed worker held ran again", len(held))
	}
	t.Logf("the killed worker held %d executions; %d executions ran again", len(held), retried)
}

// killHolding waits until w holds RUNNING executions, SIGSTOPs it (so that what it holds stays
// put while it is read), reads their ids, and SIGKILLs it. When w holds nothing at that moment it
// is resumed and asked again.
func killHolding(t *testing.T, databaseURL string, w *proc) []string {
	t.Helper()
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	workerID := host + ":" + strconv.Itoa(w.cmd.Process.Pid) // the worker's own ID, see internal/app
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for {
		if err := w.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		rows, _ := conn.Query(ctx, "SELECT id FROM executions WHERE status = 'RUNNING' AND worker_id = $1", workerID)
		held, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("executions held by %s: %v", workerID, err)
		}
		if len(held) > 0 {
			w.kill()
			return held
		}
		if err := w.cmd.Process.Signal(syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("worker %s never held an execution", workerID)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// envValue is the value of key in env (KEY=VALUE entries).
func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}
