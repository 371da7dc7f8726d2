// Package problem is livecode's one error taxonomy; the api package maps each kind to an HTTP status.

package problem

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

// The kinds of error.
const (
	Internal      Kind = iota // infrastructure trouble; the user sees "internal error"
	Invalid                   // malformed or wrong input (400)
	NotFound                  // unknown id (404)
	Conflict                  // state forbids it: closed session, active execution (409)
	TooLarge                  // body or code over a limit (413)
	Unprocessable             // well-formed but refused: unknown language, limit above maximum, idempotency mismatch (422)
	RateLimited               // too many requests (429)
	Unavailable               // queue full or down, database down (503)
	Unauthorized              // missing or wrong credentials (401)
	Stale                     // the client edits a version that is no longer current (412)
)

// Error is an error with a kind, a message safe to show users, and optional details.
type Error struct {
	Kind       Kind
	Message    string
	Field      string        // the request field at fault, if any
	RetryAfter time.Duration // for RateLimited and Unavailable
	Limit      int           // for RateLimited by a rate: the requests allowed per Window
	Window     time.Duration // for RateLimited by a rate
	Ref        string        // a related id, e.g. the active execution on Conflict
	Err        error         // the cause, for logs only
}

// Error returns the message, with the cause when there is one (for logs).
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error of the given kind with a formatted message.
func New(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err, Internal when err carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
