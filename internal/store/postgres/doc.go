// Package postgres is the store.Store of the distributed mode: PostgreSQL through pgx, shared
// by every `livecode api` and `livecode worker` process. Open connects and applies the
// migrations; Migrate only migrates.
//
// Queries live in queries.sql and migrations/, and sqlc generates pgdb from them (`make
// generate`); this package wraps the generated code, converts rows (convert.go) and implements
// store.AdmitTx (admit.go), where a session row lock (SELECT … FOR UPDATE) and a
// transaction-scoped advisory lock per owner serialize admissions. It mirrors the sqlite
// package file for file and passes the same suite, internal/store/storetest
// (postgres_test.go, one database per test).
package postgres
