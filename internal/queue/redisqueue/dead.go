// The dead-letter set of the Redis queue: asynq's archived tasks.

package redisqueue

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/hibiken/asynq"

	"livecode/internal/queue"
)

// deadPage is how many archived tasks Dead reads per round trip.
const deadPage = 500

// Dead lists the archived tasks of the queue, most recent failure first. Each DeadJob.ID is
// the asynq TaskID, the execution id or one of its "<id>:rN" successors. queue.ErrUnavailable
// when Redis cannot be read; the inspector takes no context, so go-redis's timeouts bound it.
func (q *Queue) Dead(ctx context.Context) ([]queue.DeadJob, error) {
	var out []queue.DeadJob
	for page := 1; ; page++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		infos, err := q.inspector.ListArchivedTasks(q.cfg.Name, asynq.PageSize(deadPage), asynq.Page(page))
		if errors.Is(err, asynq.ErrQueueNotFound) {
			return out, nil
		}
		if err != nil {
			return nil, unavailable(ctx, err)
		}
		for _, info := range infos {
			var p payload
			_ = json.Unmarshal(info.Payload, &p) // a bad payload is still listed, with its TaskID
			out = append(out, queue.DeadJob{
				ID:        info.ID,
				Job:       p.job(),
				LastError: info.LastErr,
				FailedAt:  info.LastFailedAt,
				Retried:   info.Retried,
			})
		}
		if len(infos) < deadPage {
			break
		}
	}
	slices.SortStableFunc(out, func(a, b queue.DeadJob) int { return b.FailedAt.Compare(a.FailedAt) })
	return out, nil
}

// Requeue moves the archived task id back to pending (asynq's RunTask). It keeps its retry
// count, so it gets one more delivery, and returns to the dead-letter set if that fails.
// queue.ErrNotFound if id is not an archived task of this queue; queue.ErrUnavailable when
// Redis cannot be reached.
func (q *Queue) Requeue(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	info, err := q.inspector.GetTaskInfo(q.cfg.Name, id)
	switch {
	case errors.Is(err, asynq.ErrQueueNotFound), errors.Is(err, asynq.ErrTaskNotFound):
		return queue.ErrNotFound
	case err != nil:
		return unavailable(ctx, err)
	case info.State != asynq.TaskStateArchived:
		return queue.ErrNotFound
	}
	err = q.inspector.RunTask(q.cfg.Name, id)
	switch {
	case errors.Is(err, asynq.ErrQueueNotFound), errors.Is(err, asynq.ErrTaskNotFound):
		return queue.ErrNotFound
	case err != nil:
		return unavailable(ctx, err)
	}
	q.wakeOne(ctx, id)
	return nil
}
