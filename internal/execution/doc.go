// Package execution defines the central record of livecode: one run of a program. Execution is
// what the store keeps and every step passes along; Job (just the execution id) is what the
// queue carries; Limits bound a run; Result is what the sandbox observed of it.
//
// Status is the state machine, QUEUED → RUNNING → COMPLETED | FAILED | TIMEOUT | CANCELLED:
// it never goes back and a terminal status never changes (the store enforces it). Reason says
// why a run ended as it did (exit_nonzero, time_limit, memory_limit, queue_unavailable, …).
// The package holds only types and their rules: no I/O, no defaults (internal/config).
package execution
