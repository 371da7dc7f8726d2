// Package streamtest is the conformance suite of the stream seam: Run(t, open) checks a
// stream.Broker for ordered publishing and cursor reads, gaps, final events, stalled readers,
// controls and topic lifetime (events.go, lifecycle.go). It also provides the measurements
// every broker reports, IdleMemory and MeasureLatency (measure.go).
//
// memstream and redisstream both run it from their tests; a behaviour every broker must have
// belongs here, once.
package streamtest
