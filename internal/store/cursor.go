// Opaque pagination cursors for ListExecutions and ListSessions: the position (time, id) of a page's last item.

package store

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"livecode/internal/problem"
)

// encodeCursor returns the cursor after the item at queuedAt (an execution's queue time, a
// session's creation time) with id.
func encodeCursor(queuedAt time.Time, id string) string {
	raw := strconv.FormatInt(queuedAt.UnixMilli(), 10) + "." + id
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// DecodeCursor returns the position a cursor names. A malformed cursor is an Invalid error.
func DecodeCursor(c string) (time.Time, string, error) {
	bad := &problem.Error{Kind: problem.Invalid, Message: "malformed page cursor", Field: "before"}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", bad
	}
	ms, id, ok := strings.Cut(string(raw), ".")
	if !ok || id == "" {
		return time.Time{}, "", bad
	}
	v, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return time.Time{}, "", bad
	}
	return time.UnixMilli(v).UTC(), id, nil
}

// PageOf cuts rows, read with one row more than limit, to a page of at most limit and returns
// the cursor after its last row (pos gives a row's time and id), or "" when it is the last page.
func PageOf[T any](rows []T, limit int, pos func(T) (time.Time, string)) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, encodeCursor(pos(rows[limit-1]))
}
