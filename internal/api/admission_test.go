// Tests of run admission: closed sessions, active executions, rate limit, backpressure, idempotency.

package api_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"livecode/internal/api"
	"livecode/internal/execution"
	"livecode/internal/queue"
	"livecode/internal/queue/memqueue"
)

func TestClosedSession(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sid := b.newSession(t, "print(1)")
	b.do(t, "DELETE", "/code-sessions/"+sid, nil).want(t, http.StatusOK)
	b.do(t, "DELETE", "/code-sessions/"+sid, nil).want(t, http.StatusOK) // closing is idempotent
	for _, req := range []struct {
		method, path string
		body         any
	}{
		{"PATCH", "/code-sessions/" + sid, map[string]any{"source_code": "x"}},
		{"POST", "/code-sessions/" + sid + "/run", nil},
		{"POST", "/executions", map[string]any{"sessionId": sid, "code": "x"}},
	} {
		r := b.do(t, req.method, req.path, req.body).want(t, http.StatusConflict)
		if _, ok := r.body["execution_id"]; ok {
			t.Errorf("%s %s: a closed session's 409 names an execution: %s", req.method, req.path, r.raw)
		}
	}
}

func TestActiveExecutionConflict(t *testing.T) {
	t.Parallel()
	b := setup(t) // default: one active execution per session
	sid := b.newSession(t, "print(1)")
	first := b.do(t, "POST", "/code-sessions/"+sid+"/run", nil).want(t, http.StatusAccepted).str("execution_id")
	r := b.do(t, "POST", "/code-sessions/"+sid+"/run", nil).want(t, http.StatusConflict)
	if got := r.str("execution_id"); got != first {
		t.Errorf("409 execution_id = %q, want the active %q; body %s", got, first, r.raw)
	}
	if depth, _ := b.queue.Depth(context.Background()); depth != 1 {
		t.Errorf("queue depth = %d, want 1", depth)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxActivePerSession, c.RunRateLimit = 0, 2 })
	sid := b.newSession(t, "print(1)")
	for range 2 {
		b.do(t, "POST", "/code-sessions/"+sid+"/run", nil).want(t, http.StatusAccepted)
	}
	r := b.do(t, "POST", "/code-sessions/"+sid+"/run", nil).want(t, http.StatusTooManyRequests)
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 60 {
		t.Errorf("Retry-After = %q, want 1..60 seconds", r.header.Get("Retry-After"))
	}
	for k, want := range map[string]string{"RateLimit-Limit": "2", "RateLimit-Remaining": "0",
		"RateLimit-Reset": r.header.Get("Retry-After"), "RateLimit-Policy": "2;w=60"} {
		if got := r.header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	// Another session is not limited.
	b.do(t, "POST", "/code-sessions/"+b.newSession(t, "")+"/run", nil).want(t, http.StatusAccepted)
}

func TestQueueFull(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		cacheTTL time.Duration // long: the stale depth lets the request reach Enqueue, which refuses it
	}{
		{"backpressure before admission", time.Nanosecond},
		{"enqueue refused", time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(c *api.Config, d *api.Deps) {
				c.MaxActivePerSession, c.RunRateLimit, c.QueueCapacity, c.DepthCacheTTL = 0, 0, 2, tt.cacheTTL
				d.Queue = memqueue.New(memqueue.Config{Capacity: 2})
			})
			sid := b.newSession(t, "print(1)")
			for range 2 {
				b.do(t, "POST", "/code-sessions/"+sid+"/run", nil).want(t, http.StatusAccepted)
			}
			r := b.do(t, "POST", "/code-sessions/"+sid+"/run", nil).want(t, http.StatusServiceUnavailable)
			if r.header.Get("Retry-After") != "5" || r.body["retry_after_seconds"] != float64(5) {
				t.Errorf("Retry-After = %q; body %s", r.header.Get("Retry-After"), r.raw)
			}
			list := b.do(t, "GET", "/code-sessions/"+sid+"/executions", nil).want(t, http.StatusOK)
			items, _ := list.body["executions"].([]any)
			switch tt.cacheTTL {
			case time.Nanosecond:
				if len(items) != 2 {
					t.Errorf("%d executions stored, want 2 (refused before admission)", len(items))
				}
			default:
				newest, _ := items[0].(map[string]any)
				if len(items) != 3 || newest["status"] != "FAILED" || newest["reason"] != "queue_unavailable" {
					t.Errorf("executions = %s, want the refused one FAILED queue_unavailable", list.raw)
				}
			}
		})
	}
}

// failingQueue is a queue whose backend is down for Enqueue only, as when Redis drops mid-request.
type failingQueue struct{ api.Queue }

func (failingQueue) Enqueue(context.Context, execution.Job) error { return queue.ErrUnavailable }

func TestQueueUnavailable(t *testing.T) {
	t.Parallel()
	b := setup(t, func(_ *api.Config, d *api.Deps) { d.Queue = failingQueue{d.Queue} })
	sid := b.newSession(t, "print(1)")
	r := b.do(t, "POST", "/code-sessions/"+sid+"/run", nil).want(t, http.StatusServiceUnavailable)
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	latest := b.do(t, "GET", "/code-sessions/"+sid, nil).body["latest_execution"].(map[string]any)
	if latest["status"] != "FAILED" || latest["reason"] != "queue_unavailable" {
		t.Errorf("refused execution = %v", latest)
	}
	// The refused execution is terminal, so it does not block the next run.
	b.queue.Close()
	b.do(t, "POST", "/code-sessions/"+sid+"/run", nil).want(t, http.StatusServiceUnavailable)
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxActivePerSession = 0 })
	sid := b.newSession(t, "print(1)")
	for _, tt := range []struct {
		path, idField string
		body          map[string]any
	}{
		{"/code-sessions/" + sid + "/run", "execution_id", map[string]any{"stdin": "a"}},
		{"/executions", "executionId", map[string]any{"sessionId": sid, "code": "print(2)", "stdin": "a"}},
	} {
		key := "key-" + tt.path
		first := b.do(t, "POST", tt.path, tt.body, "Idempotency-Key", key).want(t, http.StatusAccepted).str(tt.idField)
		again := b.do(t, "POST", tt.path, tt.body, "Idempotency-Key", key).want(t, http.StatusAccepted).str(tt.idField)
		if again != first {
			t.Errorf("%s: replay gave %q, want %q", tt.path, again, first)
		}
		tt.body["stdin"] = "b"
		r := b.do(t, "POST", tt.path, tt.body, "Idempotency-Key", key).want(t, http.StatusUnprocessableEntity)
		if r.locations()[0] != "header.Idempotency-Key" {
			t.Errorf("%s: mismatch locations = %v", tt.path, r.locations())
		}
	}
	// The key is bound to its endpoint too.
	b.do(t, "POST", "/executions", map[string]any{"sessionId": sid, "stdin": "a"}, "Idempotency-Key", "key-/code-sessions/"+sid+"/run").
		want(t, http.StatusUnprocessableEntity)
	if depth, _ := b.queue.Depth(context.Background()); depth != 2 {
		t.Errorf("queue depth = %d, want 2: replays must not enqueue", depth)
	}
}

func TestAdmin(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, d *api.Deps) {
		c.AdminToken = "s3cret"
		d.Queue = memqueue.New(memqueue.Config{MaxRetry: -1})
	})
	// A job whose only delivery fails lands in the dead-letter set; its execution stays QUEUED
	// (nothing claimed it), so requeuing it is allowed.
	sess := b.do(t, "POST", "/code-sessions", map[string]any{"language": "python"}).want(t, http.StatusCreated)
	run := b.do(t, "POST", "/code-sessions/"+sess.body["session_id"].(string)+"/run", nil).want(t, http.StatusAccepted)
	e1 := run.body["execution_id"].(string)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = b.queue.Run(ctx, 1, func(context.Context, queue.Delivery) error { cancel(); return errors.New("sandbox down") })
	}()
	<-done

	for _, auth := range []string{"", "Bearer wrong", "s3cret", "Basic czNjcmV0"} {
		r := b.do(t, "GET", "/admin/jobs/dead", nil, "Authorization", auth).want(t, http.StatusUnauthorized)
		if r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("401 for %q without WWW-Authenticate", auth)
		}
	}
	r := b.do(t, "GET", "/admin/jobs/dead", nil, "Authorization", "Bearer s3cret").want(t, http.StatusOK)
	jobs, _ := r.body["jobs"].([]any)
	if len(jobs) != 1 || jobs[0].(map[string]any)["execution_id"] != e1 {
		t.Fatalf("dead jobs = %s", r.raw)
	}
	id := jobs[0].(map[string]any)["id"].(string)
	b.do(t, "POST", "/admin/jobs/"+id+"/requeue", nil, "Authorization", "Bearer wrong").want(t, http.StatusUnauthorized)
	b.do(t, "POST", "/admin/jobs/"+id+"/requeue", nil, "Authorization", "Bearer s3cret").want(t, http.StatusOK)
	b.do(t, "POST", "/admin/jobs/"+id+"/requeue", nil, "Authorization", "Bearer s3cret").want(t, http.StatusNotFound)
	if depth, _ := b.queue.Depth(context.Background()); depth != 1 {
		t.Errorf("queue depth after requeue = %d, want 1", depth)
	}
	spec := b.do(t, "GET", "/openapi.json", nil).want(t, http.StatusOK)
	if _, ok := spec.body["paths"].(map[string]any)["/admin/jobs/dead"]; !ok {
		t.Error("admin endpoints missing from openapi.json with ADMIN_TOKEN set")
	}
}

func TestAdminDisabled(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.do(t, "GET", "/admin/jobs/dead", nil, "Authorization", "Bearer ").want(t, http.StatusNotFound)
}
