// Package redisstream is the stream.Broker of the distributed mode. Each topic is a Redis
// Stream (entry id "<seq>-0", trimmed, expiring after its final event) that subscribers read
// with XRANGE from their cursor (subscription.go). Live delivery costs no connection per
// subscriber: one Pub/Sub connection per process (dispatcher.go) wakes the local subscribers of
// a topic when it grows, and a periodic poll repairs notifications lost while it reconnects.
// Controls are a Redis list per execution, read by the worker with BLPOP (control.go); state
// changes that must be atomic are Lua scripts (scripts.go).
//
// Open connects to a URL, New wraps an existing client. It passes internal/stream/streamtest,
// plus outage and cross-process tests.
package redisstream
