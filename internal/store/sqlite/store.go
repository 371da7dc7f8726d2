// Package sqlite is the embedded store: one SQLite file through modernc.org/sqlite, in WAL mode.
//
// Writers are serialized through a single-connection pool (transactions begin IMMEDIATE), so
// no write ever waits on SQLITE_BUSY inside the process; readers use a separate pool and never
// block writers.

package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/pressly/goose/v3"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"livecode/internal/problem"
	"livecode/internal/store"
	"livecode/internal/store/sqlite/sqlitedb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store implements store.Store on one SQLite database file.
type Store struct {
	w  *sql.DB // one connection: every write
	r  *sql.DB // read-only connections
	wq *sqlitedb.Queries
	rq *sqlitedb.Queries
}

var _ store.Store = (*Store)(nil)

// Open opens (creating it and its directory if needed) the database at path and applies the
// embedded migrations. Errors: an in-memory path (its pools would not share it), the file
// cannot be created or opened, or a migration failed.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || strings.Contains(path, ":memory:") || strings.Contains(path, "mode=memory") {
		return nil, fmt.Errorf("sqlite: %q: in-memory databases are not supported, use a file", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: create directory: %w", err)
		}
	}
	w, err := sql.Open("sqlite", DSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", DSN(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s := &Store{w: w, r: r}
	if s.wq, err = sqlitedb.Prepare(ctx, w); err == nil {
		s.rq, err = sqlitedb.Prepare(ctx, r)
	}
	if err != nil {
		s.Close()
		return nil, fail("prepare", err)
	}
	return s, nil
}

// Migrate applies the embedded migrations to the database at path and closes it.
// Errors: the file cannot be opened, or a migration failed.
func Migrate(ctx context.Context, path string) error {
	s, err := Open(ctx, path)
	if err != nil {
		return err
	}
	return s.Close()
}

func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fail("migrate", err)
	}
	return nil
}

// DSN builds the connection string (exported for the API benchmarks' floor server): WAL, a busy timeout for other processes (e.g. a
// `livecode migrate` run beside a server), foreign keys, and synchronous=NORMAL, which in WAL
// mode loses no committed transaction on a process crash.
func DSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Ping checks both pools can reach the database file. Errors: Unavailable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.r.PingContext(ctx); err != nil {
		return fail("ping", err)
	}
	return fail("ping", s.w.PingContext(ctx))
}

// Close closes the prepared statements and both pools.
func (s *Store) Close() error {
	var errs []error
	for _, q := range []*sqlitedb.Queries{s.rq, s.wq} {
		if q != nil {
			errs = append(errs, q.Close())
		}
	}
	return errors.Join(append(errs, s.r.Close(), s.w.Close())...)
}

// fail classifies err: problem errors pass through, a locked, full or unreadable database is
// Unavailable, anything else is wrapped with the operation's name.
func fail(op string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := problem.As(err); ok {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN,
			sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
			return &problem.Error{Kind: problem.Unavailable, Message: "database unavailable",
				Err: fmt.Errorf("sqlite: %s: %w", op, err)}
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &problem.Error{Kind: problem.Unavailable, Message: "database unavailable",
			Err: fmt.Errorf("sqlite: %s: %w", op, err)}
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// isUnique reports whether err is a violated primary key or unique constraint.
func isUnique(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) &&
		(se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}
