// Conformance case: a job's traceparent travels with it, through retries to the dead set.

package queuetest

import (
	"context"
	"testing"

	"livecode/internal/execution"
	"livecode/internal/queue"
)

func testTraceParent(t *testing.T, open Open) {
	q := setup(t, open, Config{MaxRetry: 1})
	id := uniqueIDs(t, 1)[0]
	const tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	if err := q.Enqueue(context.Background(), execution.Job{ExecutionID: id, TraceParent: tp}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	got := make(chan queue.Delivery, 10)
	start(t, q, 1, func(ctx context.Context, d queue.Delivery) error { got <- d; return errInfra })
	for attempt := range 2 {
		if d := recv(t, got); d.Job != (execution.Job{ExecutionID: id, TraceParent: tp}) {
			t.Errorf("delivery %d = %+v, want the job as enqueued", attempt, d.Job)
		}
	}
	dead := waitDead(t, q, 1)
	if dead[0].Job.TraceParent != tp {
		t.Errorf("dead job = %+v, want traceparent %s", dead[0].Job, tp)
	}
}
