// Regeneration of the query code of both stores (sqlitedb and ../postgres/pgdb) from their queries and migrations.

package sqlite

// sqlc reads sqlc.yaml at the repository root and regenerates both stores' query code.
//go:generate sh -c "cd ../../.. && sqlc generate"
