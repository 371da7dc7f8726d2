// Package sqlitedb is the query code sqlc generates from internal/store/sqlite/queries.sql
// (`make generate`); the sqlite package wraps it.
package sqlitedb
