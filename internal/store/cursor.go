// Opaque pagination cursors for ListExecutions: the position of the last execution of a page.
package store

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"livecode/internal/problem"
)

// EncodeCursor returns the cursor after the execution queued at queuedAt with id.
func EncodeCursor(queuedAt time.Time, id string) string {
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
