// Opening the store and the queue that the configuration selects.

package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"livecode/internal/config"
	"livecode/internal/queue"
	"livecode/internal/queue/memqueue"
	"livecode/internal/queue/redisqueue"
	"livecode/internal/store"
	"livecode/internal/store/postgres"
	"livecode/internal/store/sqlite"
	"livecode/internal/stream"
	"livecode/internal/stream/memstream"
	"livecode/internal/stream/redisstream"
)

// OpenStore opens the database DATABASE_URL names and applies its migrations.
func OpenStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	driver, dsn, err := cfg.Database()
	if err != nil {
		return nil, err
	}
	switch driver {
	case "postgres":
		return postgres.Open(ctx, dsn)
	default:
		if dir := filepath.Dir(dsn); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("database directory: %w", err)
			}
		}
		return sqlite.Open(ctx, dsn)
	}
}

// OpenQueue opens the Redis queue when one is configured, else the in-process queue, which only
// the all-in-one role can use.
func OpenQueue(cfg config.Config, role Role, log *slog.Logger) (queue.Queue, error) {
	url := cfg.Redis()
	if url == "" {
		if role != RoleServe {
			return nil, fmt.Errorf("livecode %s needs a shared queue: set REDIS_URL", role)
		}
		return memqueue.New(memqueue.Config{Capacity: cfg.QueueCapacity, MaxRetry: maxRetry(cfg)}), nil
	}
	return redisqueue.New(redisqueue.Config{URL: url, Name: cfg.QueueName, Capacity: cfg.QueueCapacity,
		Timeout: cfg.QueueTimeout, PollInterval: cfg.QueuePoll, MaxRetry: maxRetry(cfg), ShutdownTimeout: cfg.ShutdownGrace, Logger: log})
}

// OpenBroker opens the event broker of live output: over Redis when one is configured (its keys
// prefixed by EXECUTION_QUEUE_NAME, so deployments sharing a Redis stay apart), else in process.
func OpenBroker(cfg config.Config, log *slog.Logger) (stream.Broker, error) {
	// A finished execution's events are kept briefly for clients that reconnect; later ones get
	// its result from the database, which the API falls back to.
	// A small batch bounds what a stalled client's handler holds while its write waits.
	const finalTTL, batch = 2 * time.Minute, 64
	url := cfg.Redis()
	if url == "" {
		return memstream.New(memstream.Config{FinalTTL: finalTTL, BatchSize: batch}), nil
	}
	return redisstream.Open(url, redisstream.Config{Prefix: "livecode:" + cfg.QueueName + ":stream:", FinalTTL: finalTTL,
		BatchSize: batch, Logger: log})
}

// maxRetry is the queues' retry bound for MAX_ATTEMPTS: the queues read 0 as "default", so one
// attempt (no retry) is spelled -1.
func maxRetry(cfg config.Config) int {
	if cfg.MaxAttempts <= 1 {
		return -1
	}
	return cfg.MaxAttempts - 1
}
