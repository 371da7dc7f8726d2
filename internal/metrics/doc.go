// Package metrics exposes livecode's Prometheus metrics at /metrics, on a registry of its
// own. New makes them; a Metrics is the worker.Observer every worker reports to (Started,
// Finished, SandboxFailed, Retried, Released), and reads the queue's depth and dead-letter
// count (Backlog) on each scrape. Handler is what app passes to the api package. It observes
// the flow; it never changes it.
package metrics
