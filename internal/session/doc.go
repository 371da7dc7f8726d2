// Package session defines a code session: a user's editable program (language and source)
// that autosaves without touching the queue, and whose runs are executions. Session and its
// Status (ACTIVE, CLOSED) are plain types: the api package creates and patches sessions, the
// store keeps them, and a CLOSED session refuses edits and runs (store admission returns
// Conflict). No I/O here.
package session
