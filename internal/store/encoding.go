// Encodings shared by the stores: list columns as JSON text and the row a new execution gets.

package store

import (
	"encoding/base64"
	"encoding/json"
	"time"
	"unicode/utf8"

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

// storedFile is a file as its list column holds it: text as it is, other bytes as base64, so
// that a binary file survives JSON (which would replace what is not UTF-8).
type storedFile struct {
	Name    string `json:"name"`
	Content string `json:"content"`
	Base64  bool   `json:"base64,omitempty"`
}

// EncodeFiles stores a run's files as EncodeList does, a file that is not UTF-8 text as base64.
func EncodeFiles(files []execution.File) string {
	out := make([]storedFile, len(files))
	for i, f := range files {
		out[i] = storedFile{Name: f.Name, Content: f.Content}
		if !utf8.ValidString(f.Content) {
			out[i].Content, out[i].Base64 = base64.StdEncoding.EncodeToString([]byte(f.Content)), true
		}
	}
	return EncodeList(out)
}

// DecodeFiles reads files stored by EncodeFiles (or by EncodeList, before binary files).
// Errors: the text is not such a list.
func DecodeFiles(s string, files *[]execution.File) error {
	var stored []storedFile
	if err := DecodeList(s, &stored); err != nil || stored == nil {
		*files = nil
		return err
	}
	out := make([]execution.File, len(stored))
	for i, f := range stored {
		out[i] = execution.File{Name: f.Name, Content: f.Content}
		if f.Base64 {
			b, err := base64.StdEncoding.DecodeString(f.Content)
			if err != nil {
				return err
			}
			out[i].Content = string(b)
		}
	}
	*files = out
	return nil
}

// EncodeJudge stores a judged run's tests and options as JSON text (bytes as base64); nil
// (not judged) stores NULL.
func EncodeJudge(j *execution.Judge) *string {
	if j == nil {
		return nil
	}
	b, _ := json.Marshal(j) // cannot fail: strings, bytes, numbers and bools
	s := string(b)
	return &s
}

// DecodeJudge reads what EncodeJudge stored. Errors: the text is not such a document.
func DecodeJudge(s *string) (*execution.Judge, error) {
	if s == nil {
		return nil, nil
	}
	var j execution.Judge
	if err := json.Unmarshal([]byte(*s), &j); err != nil {
		return nil, err
	}
	return &j, nil
}

// queued returns the execution CreateExecution stores for n, as GetExecution will read it back
// (times at millisecond precision in UTC, empty lists as nil).
func queued(n NewExecution) execution.Execution {
	e := execution.Execution{ID: n.ID, SessionID: n.SessionID, Language: n.Language, Code: n.Code,
		Stdin: n.Stdin, Limits: n.Limits, Interactive: n.Interactive, ExpectedOutput: n.ExpectedOutput,
		Judge: n.Judge, Encoding: n.Encoding, Status: execution.StatusQueued, QueuedAt: Millis(n.Now)}
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
