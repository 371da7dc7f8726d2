// Requeuing dead jobs: only an execution that has not ended can still be run by its job.

package worker

import (
	"context"
	"fmt"

	"livecode/internal/problem"
	"livecode/internal/queue"
)

// DeadQueue is the dead-letter side of the queue.
type DeadQueue interface {
	Dead(ctx context.Context) ([]queue.DeadJob, error)
	Requeue(ctx context.Context, id string) error
}

// Requeue moves the dead job id back to the queue, unless its execution has already ended: a
// terminal execution never changes, so running its job again would do nothing (submit a new
// run instead). Errors: queue.ErrNotFound for an unknown dead job; Conflict (*problem.Error)
// for an ended execution; the queue's and the store's errors.
func Requeue(ctx context.Context, q DeadQueue, s Getter, id string) error {
	dead, err := q.Dead(ctx)
	if err != nil {
		return err
	}
	for _, d := range dead {
		if d.ID != id {
			continue
		}
		e, err := s.GetExecution(ctx, d.Job.ExecutionID)
		if err != nil {
			return err
		}
		if e.Status.Terminal() {
			return &problem.Error{Kind: problem.Conflict, Ref: e.ID, Message: fmt.Sprintf(
				"execution %s already ended %s (%s): its job would not run it again; submit a new run", e.ID, e.Status, e.Result.Reason)}
		}
		return q.Requeue(ctx, id)
	}
	return queue.ErrNotFound
}
