// Copy: every table, in foreign-key order, page by page, from SQLite's storage types to PostgreSQL's.

package move

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// tables are copied in this order, so that every row's references exist when it arrives.
var tables = []struct{ name, key string }{
	{"sessions", "id"},
	{"executions", "id"},
	{"idempotency_keys", "key"},
}

// DefaultPage is the rows read and written at once when Config.Page is 0: memory is bounded by
// a page of the largest rows (an execution holds up to its output limit three times).
const DefaultPage = 100

// Config tunes a copy; the zero value means the defaults.
type Config struct {
	Page     int                              // rows per read and per write transaction
	Progress func(table string, copied int64) // called after each page, if set
}

// Counts are the rows copied (inserted or updated) per table.
type Counts map[string]int64

// Copy copies every row of src (a SQLite database at the current schema, opened read-only) into
// dst (a PostgreSQL database at the same schema). Rows already in dst are updated to the
// source's values. All pages are read in one read transaction, so the copy is one consistent
// view of src. It returns an error naming the table and column it could not copy.
func Copy(ctx context.Context, src *sql.DB, dst *pgx.Conn, cfg Config) (Counts, error) {
	if cfg.Page <= 0 {
		cfg.Page = DefaultPage
	}
	tx, err := src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("move: read the source: %w", err)
	}
	defer tx.Rollback()
	counts := Counts{}
	for _, t := range tables {
		cols, err := targetColumns(ctx, dst, t.name)
		if err != nil {
			return counts, err
		}
		n, err := copyTable(ctx, tx, dst, t.name, t.key, cols, cfg)
		counts[t.name] = n
		if err != nil {
			return counts, fmt.Errorf("move: %s: %w", t.name, err)
		}
	}
	return counts, nil
}

// targetColumns lists the columns of table in PostgreSQL with their types.
func targetColumns(ctx context.Context, dst *pgx.Conn, table string) (map[string]string, error) {
	rows, err := dst.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`, table)
	if err != nil {
		return nil, fmt.Errorf("move: columns of %s: %w", table, err)
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var c [2]string
		return c, r.Scan(&c[0], &c[1])
	})
	if err != nil {
		return nil, fmt.Errorf("move: columns of %s: %w", table, err)
	}
	out := make(map[string]string, len(cols))
	for _, c := range cols {
		out[c[0]] = c[1]
	}
	return out, nil
}

// copyTable copies table in pages ordered by key, each page one upsert transaction in dst.
func copyTable(ctx context.Context, src *sql.Tx, dst *pgx.Conn, table, key string, types map[string]string, cfg Config) (int64, error) {
	var copied int64
	after := ""
	for {
		rows, err := src.QueryContext(ctx, fmt.Sprintf("SELECT * FROM %s WHERE %s > ? ORDER BY %s LIMIT ?", table, key, key), after, cfg.Page)
		if err != nil {
			return copied, err
		}
		cols, page, err := readPage(rows, types)
		if err != nil {
			return copied, err
		}
		if len(page) == 0 {
			return copied, nil
		}
		if err := writePage(ctx, dst, table, key, cols, page); err != nil {
			return copied, err
		}
		copied += int64(len(page))
		if cfg.Progress != nil {
			cfg.Progress(table, copied)
		}
		after = page[len(page)-1][slices.Index(cols, key)].(string)
	}
}

// readPage reads rows, converting each value to its PostgreSQL column's type.
func readPage(rows *sql.Rows, types map[string]string) ([]string, [][]any, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	for _, c := range cols {
		if _, ok := types[c]; !ok {
			return nil, nil, fmt.Errorf("column %s is not in the PostgreSQL schema: migrate both to the same version", c)
		}
	}
	var page [][]any
	for rows.Next() {
		raw := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		for i, c := range cols {
			v, err := convert(raw[i], types[c])
			if err != nil {
				return nil, nil, fmt.Errorf("column %s: %w", c, err)
			}
			raw[i] = v
		}
		page = append(page, raw)
	}
	return cols, page, rows.Err()
}

// convert maps a SQLite value to the PostgreSQL type: times are Unix milliseconds in SQLite,
// booleans integers, and code and output text that PostgreSQL keeps as bytes.
func convert(v any, pgType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch pgType {
	case "timestamp with time zone":
		ms, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("time %v (%T) is not Unix milliseconds", v, v)
		}
		return time.UnixMilli(ms).UTC(), nil
	case "boolean":
		n, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("boolean %v (%T) is not an integer", v, v)
		}
		return n != 0, nil
	case "bytea":
		switch b := v.(type) {
		case string:
			return []byte(b), nil
		case []byte:
			return b, nil
		}
		return nil, fmt.Errorf("bytes %v (%T) are not text", v, v)
	case "text":
		switch s := v.(type) {
		case string:
			return s, nil
		case []byte:
			return string(s), nil
		}
		return nil, fmt.Errorf("text %v (%T) is not text", v, v)
	}
	return v, nil // integers
}

// writePage upserts page into table in one transaction.
func writePage(ctx context.Context, dst *pgx.Conn, table, key string, cols []string, page [][]any) error {
	set := make([]string, 0, len(cols))
	params := make([]string, len(cols))
	for i, c := range cols {
		params[i] = fmt.Sprintf("$%d", i+1)
		if c != key {
			set = append(set, c+" = EXCLUDED."+c)
		}
	}
	stmt := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s",
		table, strings.Join(cols, ", "), strings.Join(params, ", "), key, strings.Join(set, ", "))
	return pgx.BeginFunc(ctx, dst, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, row := range page {
			b.Queue(stmt, row...)
		}
		return tx.SendBatch(ctx, b).Close()
	})
}
