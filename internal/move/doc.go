// Package move copies an embedded installation's data (SQLite) into PostgreSQL, for a move to
// the distributed mode: sessions with their owners, executions with their code, output and
// results, and idempotency keys. It streams page by page from one consistent read of the
// source, and writes each page as upserts, so a second run converges instead of duplicating.
package move
