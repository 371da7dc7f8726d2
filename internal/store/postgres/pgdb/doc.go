// Package pgdb is the query code sqlc generates from internal/store/postgres/queries.sql
// (`make generate`); the postgres package wraps it.
package pgdb
