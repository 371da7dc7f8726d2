// End-to-end test of the distributed mode: API and worker processes on PostgreSQL and Redis.
package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sync"
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
// workers, SIGKILLs one worker while they run, and expects every execution to complete with its
// own program's output.
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
				ID string `json:"execution_id"`
			}
			body := map[string]any{"session_id": session, "language": "python",
				"code": fmt.Sprintf("import time\ntime.sleep(0.05)\nprint('execution %d')", i)}
			if code := call(t, "POST", apis[i%2].URL+"/executions", body, &r); code != 202 {
				t.Errorf("POST /executions %d: status %d", i, code)
				return
			}
			ids[i] = r.ID
		}()
	}
	time.Sleep(2 * time.Second)
	workers[0].kill()
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	retried := 0
	for i, id := range ids {
		e := await(ctx, t, apis[(i+1)%2].URL, id)
		if e.Status != "COMPLETED" || e.Stdout != fmt.Sprintf("execution %d\n", i) {
			t.Errorf("execution %d: %s %s %q", i, e.Status, e.Reason, e.Stdout)
		}
		if e.Attempts > 1 {
			retried++
		}
	}
	t.Logf("%d executions ran again after the worker was killed", retried)
}
