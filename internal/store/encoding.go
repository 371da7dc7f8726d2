// Encodings shared by the stores: list columns as JSON text and the row a new execution gets.

package store

import (
	"encoding/json"
	"time"

	"livecode/internal/execution"
)

// EncodeList stores a list of files or arguments as JSON text; nil and empty become "[]".
func EncodeList[T any](v []T) string {
	if len(v) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(v) // cannot fail: strings and structs of strings
	return string(b)
}

// DecodeList reads a list stored by EncodeList; an empty list is returned as nil.
// Errors: the text is not a JSON list of T.
func DecodeList[T any](s string, v *[]T) error {
	if s == "" || s == "[]" {
		*v = nil
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// queued returns the execution CreateExecution stores for n, as GetExecution will read it back
// (times at millisecond precision in UTC, empty lists as nil).
func queued(n NewExecution) execution.Execution {
	e := execution.Execution{ID: n.ID, SessionID: n.SessionID, Language: n.Language, Code: n.Code,
		Stdin: n.Stdin, Limits: n.Limits, Interactive: n.Interactive, ExpectedOutput: n.ExpectedOutput,
		Status: execution.StatusQueued, QueuedAt: Millis(n.Now)}
	if len(n.Files) > 0 {
		e.Files = append([]execution.File(nil), n.Files...)
	}
	if len(n.Args) > 0 {
		e.Args = append([]string(nil), n.Args...)
	}
	return e
}

// Millis truncates t to the millisecond, in UTC: the precision every store keeps.
func Millis(t time.Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }
