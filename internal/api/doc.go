// Package api is livecode's HTTP API, the first and last step of a run: it admits requests,
// stores sessions and executions through the store, hands jobs to the queue, and serves
// results and live output back to clients. It never runs code.
//
// New returns the full handler of an `api` or `serve` process (Health the one of a `worker`);
// routes.go lists every endpoint. A run request goes runSession or submitExecution → submit
// (input checks, backpressure) → Store.CreateExecution (admission) → enqueue
// (Queue.Enqueue; a refused job ends the execution FAILED queue_unavailable and the client
// gets 503). Results are read back with getExecution, or followed live over Server-Sent
// Events (sse.go) and WebSocket (ws.go), both through follow, which falls back to the stored
// execution when the broker has nothing. errors.go is the one place where problem kinds
// become HTTP statuses (statusOf, toHTTP): handlers return *problem.Error, never a status.
//
// api declares the small interfaces it needs (Store, Queue, Broker, Languages) over the
// store, queue and stream seams; its settings come from config.Config, wrapped in Config.
package api
