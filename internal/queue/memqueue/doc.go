// Package memqueue is the queue.Queue of the embedded mode (`livecode serve` without
// REDIS_URL): a bounded in-memory FIFO, idempotent per execution while its job is pending,
// with retries on exponential backoff and a dead-letter set. New makes one; Run delivers jobs
// to the worker's handler with bounded concurrency (run.go).
//
// Nothing survives the process, which is safe because the store is the record: at start-up
// app expires old leases and the reaper queues every QUEUED execution again. It passes
// internal/queue/queuetest (memqueue_test.go).
package memqueue
