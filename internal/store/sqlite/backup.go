// Backup: a consistent copy of a live database, taken with VACUUM INTO while others read and write.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the database at path to dest, which must not exist. The
// copy is one read transaction (VACUUM INTO), so in WAL mode a serving process keeps reading
// and writing meanwhile; it is written to dest+".tmp" and renamed, so dest is never partial.
// Errors: dest exists, the database cannot be opened or read, or dest cannot be written.
func Backup(ctx context.Context, path, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("sqlite: backup: %s already exists", dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	db, err := sql.Open("sqlite", DSN(path, false))
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer db.Close()
	tmp := dest + ".tmp"
	_ = os.Remove(tmp) // left by an interrupted backup
	// VACUUM INTO accepts an empty file: made here, the copy is readable by its owner only,
	// as the database holds every user's code.
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	_ = f.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	return nil
}
