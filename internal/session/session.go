// Package session defines a code session: a user's editable program and its language.

package session

import "time"

// Status is whether a session still accepts edits and runs.
type Status string

// The statuses of a session.
const (
	StatusActive Status = "ACTIVE"
	StatusClosed Status = "CLOSED"
)

// Session is a live coding session.
type Session struct {
	ID         string
	Status     Status
	Language   string
	SourceCode string
	// Owner is the name of the API key that created the session; "" when authentication is off.
	Owner     string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version is FirstVersion when the session is created and grows by one with every change
	// to it (an autosave, a run that saves code, closing it); clients name the version they
	// edit (the API's ETag and If-Match) so that one tab never overwrites another's work unseen.
	Version int64
}

// FirstVersion is the Version of a new session.
const FirstVersion = 1
