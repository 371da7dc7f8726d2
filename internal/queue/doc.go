// Package queue is the seam that carries execution jobs from API servers to workers: Queue
// (Enqueue, Run, Depth, Dead, Requeue), the Handler a worker gives Run, and the errors ErrFull,
// ErrUnavailable and ErrNotFound. memqueue implements it in process (embedded mode) and
// redisqueue over Redis with asynq (distributed mode); both pass internal/queue/queuetest.
//
// A job is only an execution id (execution.Job); the store, not the queue, holds the state.
// Delivery is at least once: Enqueue is idempotent while a job is pending, a handler error is
// retried with Backoff, and after the last retry the job goes to the dead-letter set. The
// store's conditional claim makes duplicate deliveries harmless, and the worker's reaper
// queues again whatever a queue lost.
package queue
