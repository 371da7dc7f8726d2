// Package worker is the middle of a run: it takes execution jobs off the queue, claims them in
// the store, runs them in the sandbox, and records the result. It owns leases, retries and
// recovery; it does not own isolation (sandbox) or the record (store).
//
// Worker.Handle is the queue.Handler: Store.Claim (QUEUED → RUNNING, with a lease), run (the
// Runner, i.e. sandbox.Sandbox.Run, while keepLease renews the lease every third of its
// length and cancels the run if it is lost), then finish (Store.Finish, fenced by worker id
// and attempt). A program's failure is a Result; only infrastructure trouble is returned as an
// error, which the queue retries, up to MaxAttempts before the execution ends FAILED internal.
// With a Broker, live.go and publish.go publish status and output (through package event) as they happen, stdin.go
// applies the client's controls, and result.go publishes the final "result" event.
//
// Reaper (NewReaper, Run, Sweep) queues again the executions that lost their job: QUEUED too
// long, or RUNNING with an expired lease. Requeue (deadletter.go) puts a dead job back. The
// interfaces it needs (Store, Runner, Languages, Observer, Broker, OrphanStore) are its own.
package worker
