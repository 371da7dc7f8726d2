// End-to-end tests of outages in the distributed mode: Redis and PostgreSQL going away and back.
package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"livecode/internal/testsvc"
)

// withEnv replaces or adds KEY=VALUE settings in env.
func withEnv(env []string, kv ...string) []string {
	out := append([]string(nil), env...)
	for _, s := range kv {
		key := s[:strings.IndexByte(s, '=')+1]
		replaced := false
		for i := range out {
			if strings.HasPrefix(out[i], key) {
				out[i], replaced = s, true
			}
		}
		if !replaced {
			out = append(out, s)
		}
	}
	return out
}

// TestRedisOutage: with Redis down, runs get 503 fast while autosave and reads work; jobs Redis
// lost are run once it is back.
func TestRedisOutage(t *testing.T) {
	t.Parallel()
	rs := testsvc.StartRedis(t)
	env := withEnv(distributedEnv(t), "REDIS_URL="+rs.URL(), "REQUEUE_AFTER=2s", "QUEUE_TIMEOUT=1s")
	api := start(t, "api", env...)

	// Accepted while no worker runs: the jobs wait in Redis.
	var ids []string
	for i := range 4 {
		s := newSession(t, api.URL, "python", fmt.Sprintf("print('accepted %d')", i))
		ids = append(ids, run(t, api.URL, s, nil))
	}
	session := newSession(t, api.URL, "python", "print('during outage')")

	rs.Stop()
	t0 := time.Now()
	var problem struct {
		Status int `json:"status"`
	}
	if code := call(t, "POST", api.URL+"/code-sessions/"+session+"/run", nil, &problem); code != 503 {
		t.Errorf("run with Redis down: %d, want 503", code)
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("503 took %v, want a few seconds at most", d)
	}
	if code := call(t, "PATCH", api.URL+"/code-sessions/"+session, map[string]any{"source_code": "print('saved')"}, nil); code != 200 {
		t.Errorf("autosave with Redis down: %d", code)
	}
	if code := call(t, "GET", api.URL+"/executions/"+ids[0], nil, nil); code != 200 {
		t.Errorf("read with Redis down: %d", code)
	}

	// Redis comes back empty, as a server that keeps nothing on disk does.
	rs.Start()
	rc := redis.NewClient(&redis.Options{Addr: strings.TrimSuffix(strings.TrimPrefix(rs.URL(), "redis://"), "/0")})
	if err := rc.FlushAll(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	rc.Close()
	start(t, "worker", env...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i, id := range ids {
		if e := await(ctx, t, api.URL, id); e.Status != "COMPLETED" || e.Stdout != fmt.Sprintf("accepted %d\n", i) {
			t.Errorf("execution %d after the outage: %+v", i, e)
		}
	}
	// And new runs work again.
	if e := await(ctx, t, api.URL, run(t, api.URL, session, nil)); e.Stdout != "saved\n" {
		t.Errorf("run after the outage: %+v", e)
	}
}

// TestPostgresOutage: with the database hung, writes get 503 within bounded time, and the
// service recovers by itself when it returns.
func TestPostgresOutage(t *testing.T) {
	t.Parallel()
	pg, err := testsvc.StartPostgres(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Resume(); pg.Stop() })
	env := withEnv(distributedEnv(t), "DATABASE_URL="+pg.URL)
	api := start(t, "api", env...)
	start(t, "worker", env...)
	session := newSession(t, api.URL, "python", "print('before')")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if e := await(ctx, t, api.URL, run(t, api.URL, session, nil)); e.Status != "COMPLETED" {
		t.Fatalf("before the outage: %+v", e)
	}

	pg.Pause()
	t0 := time.Now()
	code := call(t, "PATCH", api.URL+"/code-sessions/"+session, map[string]any{"source_code": "print('after')"}, nil)
	if code != 503 {
		t.Errorf("autosave with the database hung: %d, want 503", code)
	}
	if d := time.Since(t0); d > 10*time.Second {
		t.Errorf("503 took %v", d)
	}
	pg.Resume()

	// It recovers by itself: the same requests succeed again.
	testsvc.Eventually(t, 30*time.Second, "autosave recovers after the database's return", func() bool {
		return call(t, "PATCH", api.URL+"/code-sessions/"+session, map[string]any{"source_code": "print('after')"}, nil) == 200
	})
	if e := await(ctx, t, api.URL, run(t, api.URL, session, nil)); e.Status != "COMPLETED" || e.Stdout != "after\n" {
		t.Errorf("after the outage: %+v", e)
	}
}
