// Package sqlite is the store.Store of the embedded mode: one SQLite file (modernc.org/sqlite,
// no cgo) in WAL mode, with writes serialized through a single connection (transactions begin
// IMMEDIATE) and reads on a separate pool. Open creates and migrates the database; Migrate
// only migrates (`livecode migrate`).
//
// Queries live in queries.sql and migrations/, and sqlc generates sqlitedb from them (see
// generate.go, `make generate`); this package wraps the generated code, converts rows to domain
// types (convert.go), implements store.AdmitTx for store.Admit (admit.go), and maps errors to
// problem kinds. It passes internal/store/storetest (sqlite_test.go); postgres mirrors it.
package sqlite
