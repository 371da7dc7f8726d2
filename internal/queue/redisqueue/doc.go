// Package redisqueue is the queue.Queue of the distributed mode, built on asynq over Redis and
// shared by every api and worker process. New connects; Enqueue makes an asynq task whose id is
// the execution id (so a pending job is never queued twice); Run serves tasks to the worker's
// handler (run.go); Dead and Requeue expose asynq's archived tasks (dead.go).
//
// A task left active by a killed worker is recovered by asynq only much later, so Enqueue
// then uses the next id of the chain "<id>:r1", "<id>:r2", … (see Enqueue and the notes at
// the top of redisqueue.go). asynq's logs go to slog, thinned during outages (log.go). It
// passes internal/queue/queuetest, plus outage tests against a private Redis.
package redisqueue
