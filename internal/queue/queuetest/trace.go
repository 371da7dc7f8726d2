// Conformance case: a job's traceparent and request id travel with it, through retries to the dead set.

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
	const tp, rid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "req-7f3a"
	if err := q.Enqueue(context.Background(), execution.Job{ExecutionID: id, TraceParent: tp, RequestID: rid}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	got := make(chan queue.Delivery, 10)
	start(t, q, 1, func(ctx context.Context, d queue.Delivery) error { got <- d; return errInfra })
	for attempt := range 2 {
		if d := recv(t, got); d.Job != (execution.Job{ExecutionID: id, TraceParent: tp, RequestID: rid}) {
			t.Errorf("delivery %d = %+v, want the job as enqueued", attempt, d.Job)
		}
	}
	dead := waitDead(t, q, 1)
	if dead[0].Job.TraceParent != tp || dead[0].Job.RequestID != rid {
		t.Errorf("dead job = %+v, want traceparent %s and request id %s", dead[0].Job, tp, rid)
	}
}
