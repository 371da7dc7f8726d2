// Package postgres is the distributed store: PostgreSQL through pgx, shared by every api and
// worker process.

package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"livecode/internal/problem"
	"livecode/internal/store"
	"livecode/internal/store/postgres/pgdb"
)

//go:embed migrations/*.sql
var migrations embed.FS

const (
	// connectTimeout bounds each new connection, so requests fail fast while the server is down.
	connectTimeout = 3 * time.Second
	// opTimeout bounds every operation, so a hung server (not only a refused connection) makes
	// requests fail with Unavailable instead of waiting forever.
	opTimeout = 5 * time.Second
	// maxConns is the pool size unless the URL sets pool_max_conns: pgxpool's default (the
	// number of CPUs) is too few for an API server on a small machine.
	maxConns = 10
)

// Store implements store.Store on a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	q    *pgdb.Queries
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at url (postgres://…) and applies the embedded migrations
// under an advisory lock, so processes starting together migrate once.
// Errors: a malformed url; Unavailable if the server cannot be reached; a failed migration.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fail("connect", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{pool: pool, q: pgdb.New(pool)}, nil
}

// Migrate applies the embedded migrations to the database at url.
// Errors: as Open.
func Migrate(ctx context.Context, url string) error {
	s, err := Open(ctx, url)
	if err != nil {
		return err
	}
	return s.Close()
}

func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fail("migrate", err)
	}
	return nil
}

// Ping checks the server answers. Errors: Unavailable.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	return fail("ping", s.pool.Ping(ctx))
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// fail classifies err: problem errors pass through; a server that cannot be reached, is
// shutting down or is out of resources is Unavailable; anything else is wrapped with op.
func fail(op string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := problem.As(err); ok {
		return err
	}
	wrapped := fmt.Errorf("postgres: %s: %w", op, err)
	if unreachable(err) {
		return &problem.Error{Kind: problem.Unavailable, Message: "database unavailable", Err: wrapped}
	}
	return wrapped
}

func unreachable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:2] {
		case "08", "53", "57": // connection exception, insufficient resources, operator intervention
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || pgconn.Timeout(err) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}

// uniqueViolation returns the constraint a unique violation broke, or "".
func uniqueViolation(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return pgErr.ConstraintName
	}
	return ""
}
