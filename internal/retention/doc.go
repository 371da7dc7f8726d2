// Package retention expires stored data: a Purger deletes, in the background and in small
// batches, finished executions and closed sessions older than their RETENTION_* ages and
// idempotency keys past IDEMPOTENCY_TTL. The rules for what expires and how one batch is
// deleted live in the store (store.Purge); this package only decides when.
package retention
