// The export subcommand: the embedded SQLite database copied into PostgreSQL.

package cli

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"

	"livecode/internal/config"
	"livecode/internal/move"
	"livecode/internal/store/postgres"
	"livecode/internal/store/sqlite"
)

// export copies the SQLite database of DATABASE_URL into the PostgreSQL database named in args,
// migrating both to the current schema first.
func export(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) != 1 || !strings.HasPrefix(args[0], "postgres://") && !strings.HasPrefix(args[0], "postgresql://") {
		return usageError("usage: livecode export postgres://… (copies DATABASE_URL's SQLite database into it)")
	}
	driver, path, err := cfg.Database()
	if err != nil {
		return err
	}
	if driver != "sqlite" {
		return usageError("livecode export copies a SQLite database (DATABASE_URL=sqlite:…) into PostgreSQL")
	}
	// Opening each store migrates it, so both have the same schema.
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	st.Close()
	pg, err := postgres.Open(ctx, args[0])
	if err != nil {
		return err
	}
	pg.Close()
	src, err := sql.Open("sqlite", sqlite.DSN(path, true))
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := pgx.Connect(ctx, args[0])
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer dst.Close(context.WithoutCancel(ctx))
	counts, err := move.Copy(ctx, src, dst, move.Config{})
	for _, t := range []string{"sessions", "executions", "idempotency_keys"} {
		fmt.Fprintf(stdout, "%s: %d copied\n", t, counts[t])
	}
	return err
}
