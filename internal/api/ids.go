// Ids and keys: checks that keep malformed identifiers away from the store.

package api

import (
	"strings"

	"livecode/internal/problem"
)

// maxIDLen bounds ids; the service's own are 36-character UUIDs.
const maxIDLen = 64

// validID reports whether id can name a session or execution: 1 to 64 letters, digits, '-' or '_'.
// Anything else cannot exist, so it is a 404 without a trip to the database (some of it, like NUL
// bytes, the database would even refuse with an error).
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// checkID returns the NotFound error for an id that cannot exist.
func checkID(field, what, id string) error {
	if validID(id) {
		return nil
	}
	return &problem.Error{Kind: problem.NotFound, Field: field, Message: what + " not found"}
}

// checkKey refuses an Idempotency-Key that is not 1 to 255 printable ASCII characters.
func checkKey(key string) error {
	if key == "" {
		return nil
	}
	if len(key) > 255 || strings.IndexFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return invalidField("header.Idempotency-Key", "Idempotency-Key must be 1 to 255 printable ASCII characters")
	}
	return nil
}
