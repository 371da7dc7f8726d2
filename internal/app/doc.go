// Package app wires livecode's parts into the process a role asks for, and runs it until its
// context ends. It owns construction and shutdown order, nothing of the request flow itself.
//
// Run opens the store (OpenStore: SQLite or PostgreSQL from DATABASE_URL), the queue
// (OpenQueue: in-process without REDIS_URL, else Redis), the live-event broker (OpenBroker),
// and the language registry; then, by Role, serves the HTTP API (api.New, or only api.Health
// for a worker) and starts the workers (the queue's Run loop calling worker.Worker.Handle,
// plus a worker.Reaper). RoleServe is the embedded mode, all of it in one process; RoleAPI and
// RoleWorker are the two halves of the distributed mode. In the embedded mode app also
// recovers what a killed predecessor left (Store.ExpireLeases, then Reaper.Sweep) before the
// first job is taken. Shutdown stops the HTTP server, then lets running executions finish
// within SHUTDOWN_GRACE.
package app
