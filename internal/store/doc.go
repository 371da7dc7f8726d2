// Package store is the record of truth for sessions and executions, and the storage seam:
// Store is implemented by sqlite (embedded mode) and postgres (distributed mode), and both pass
// one conformance suite, internal/store/storetest.
//
// Every state change is a single conditional statement (claim, renew, finish, abort), so
// concurrent API servers, workers and reapers can never move an execution backwards or change
// a terminal one. Admission rules are written once here: Admit applies them over a driver's
// small AdmitTx inside the driver's CreateExecution transaction (session exists and is
// ACTIVE, idempotency keys, per-session and per-owner limits), with the shared errors in
// admit.go beside them. Cursors (DecodeCursor, PageOf) and list encodings are shared helpers. Store methods
// return *problem.Error for refusals and NotFound; anything else is infrastructure trouble.
// The SQL itself lives in each driver's queries.sql, compiled by sqlc.
package store
