// Following a finished execution whose result is stored but not (yet) in its topic.

package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"livecode/internal/event"
	"livecode/internal/execution"
	"livecode/internal/queue"
	"livecode/internal/stream"
)

// A client that resumes after the store has the result, but before the worker published the
// result event, still gets the output it missed, then the stored result.
func TestFollowFinishedBeforeResultPublished(t *testing.T) {
	t.Parallel()
	br, opt := withBroker(t)
	b := setup(t, opt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = b.queue.Run(ctx, 1, func(ctx context.Context, d queue.Delivery) error {
			e, ok, err := b.store.Claim(ctx, d.Job.ExecutionID, "test-worker", time.Now(), time.Minute)
			if err != nil || !ok {
				return err
			}
			if err := event.Publish(ctx, br, e.ID, e.SessionID,
				stream.Event{Type: stream.TypeStdout, Data: "line 1\n"}, stream.Event{Type: stream.TypeStdout, Data: "line 2\n"}); err != nil {
				return err
			}
			zero := 0
			// Stored, never published: the window between the two that a resuming client may hit.
			_, err = b.store.Finish(ctx, e.ID, "test-worker", e.Attempts, execution.Result{Status: execution.StatusCompleted,
				Stdout: "line 1\nline 2\n", Output: "line 1\nline 2\n", ExitCode: &zero}, time.Now())
			return err
		})
	}()
	t.Cleanup(func() { cancel(); <-done })

	sid := b.do(t, "POST", "/code-sessions", map[string]any{"language": "python", "source_code": "print(1)"}).
		want(t, http.StatusCreated).str("session_id")
	eid := b.do(t, "POST", "/code-sessions/"+sid+"/run", nil).want(t, http.StatusAccepted).str("execution_id")
	b.waitTerminal(t, eid)
	for _, cursor := range []string{"0", "2"} {
		r := b.do(t, "GET", "/executions/"+eid+"/events", nil, "Last-Event-ID", cursor).want(t, http.StatusOK)
		body := string(r.raw)
		if cursor == "0" && !strings.Contains(body, `"data":"line 1\n"`) {
			t.Errorf("from %s: stream lacks line 1: %s", cursor, body)
		}
		if cursor == "2" && strings.Contains(body, `"data":"line 1\n"`) {
			t.Errorf("from %s: stream repeats line 1: %s", cursor, body)
		}
		if !strings.Contains(body, `"data":"line 2\n"`) || !strings.Contains(body, "event: result") ||
			strings.Index(body, "event: result") < strings.Index(body, "line 2") {
			t.Errorf("from %s: want line 2, then the stored result: %s", cursor, body)
		}
	}
}
