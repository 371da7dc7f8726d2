// Package storetest is the conformance suite of the storage seam: Run(t, open) checks a
// store.Store against everything the interface promises: sessions and autosave, admission
// rules and quotas, idempotency keys, pagination, claims, leases and fencing, terminal
// immutability, the reaper's queries, and concurrent callers racing for the same execution.
//
// Both drivers call it from their tests (internal/store/sqlite/sqlite_test.go,
// internal/store/postgres/postgres_test.go). A behaviour of the store belongs here, once,
// not in one driver's tests; a new driver is done when this suite passes.
package storetest
