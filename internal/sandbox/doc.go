// Package sandbox runs one untrusted program and reports what it did. It is the isolation
// step of a run, between the worker (which claimed the execution) and the store (which records
// the Result); it knows nothing of queues, stores or HTTP.
//
// New checks the host, sweeps what a crashed earlier process left (sweep.go) and prepares a
// Sandbox with Config.Slots slots, one uid each. Sandbox.Run takes a Spec and: makes a fresh
// tmpfs work dir (workdir.go), compiles first when the language has a compile step, through the
// host's compile cache (compile.go), then runs one step (step.go): bubblewrap is started in
// fresh namespaces, born in the run's cgroup (cgroup.go), and held at --block-fd (launch.go:
// holdBwrap) while the host sets rlimits; released, its child applies the seccomp filter
// (seccomp.go) and execs the program. With Config.Warm, that start and hold happen ahead
// (warm.go): when a slot's run ends, the slot's next jail is prepared for the same language
// and arguments, and the next such run takes it over, writing its files into the prepared
// tmpfs and releasing the hold; any other run discards it and starts cold. Output is collected and capped (output.go); classify
// turns what the host observed into an execution.Result (classify.go); teardown removes the
// cgroup and work dir off the critical path. Level "gvisor" runs the same jail under runsc.
//
// What the program did (exit code, signal, a limit hit, a compile error) is in the Result,
// never an error; Run's errors mean the sandbox failed (ErrSpec: the spec can never run).
package sandbox
