// Package stream is the seam for live output: a Broker carries what an execution does while it
// runs (status, stdout and stderr chunks, then the final result) from the worker to every
// client watching it over SSE or WebSocket, and carries controls (stdin, close_stdin, cancel)
// the other way. memstream implements it in process (embedded mode) and redisstream over
// Redis (distributed mode); both pass internal/stream/streamtest.
//
// A topic (ExecutionTopic, SessionTopic) is an append-only log numbered 1, 2, 3, … by
// Publish; a Subscription reads it by cursor, so a reconnecting client resumes after the last
// Seq it saw, and a cursor older than the retained history first gets a "gap" event (Gap). An
// execution topic ends with its "result" event (IsFinal). No subscriber holds a buffer of its
// own or can slow Publish. Live events are a convenience: the store stays the record, and the
// api package falls back to it when the broker has nothing.
package stream
