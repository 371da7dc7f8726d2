// Package queuetest is the conformance suite of the queue seam: Run(t, open) checks a
// queue.Queue for delivery, the concurrency bound, idempotent Enqueue, retries with backoff,
// the dead-letter set and Requeue, the capacity bound, and graceful shutdown (cases.go).
//
// memqueue and redisqueue both run it from their tests. A behaviour every queue must have
// belongs here, once; a new queue implementation is done when this suite passes.
package queuetest
