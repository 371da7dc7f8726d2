// Package memstream is the stream.Broker of the embedded mode: one bounded, append-only log per
// topic in memory (topic.go), read by cursors that wait on the topic's broadcast signal
// (subscription.go), and a queue of controls per execution (control.go). New makes one.
//
// It starts no goroutine except one per Controls listener, which ends with the listener's
// context; expired topics and control queues are swept lazily by later calls. It passes
// internal/stream/streamtest (memstream_test.go).
package memstream
