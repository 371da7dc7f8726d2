// The Data of each live event type, and the JSON a client receives for it.

package event

import (
	"bytes"
	"encoding/json"
	"time"

	"livecode/internal/execution"
	"livecode/internal/stream"
)

// TypeDropped is the type of an event saying output chunks were not streamed (the broker was
// unavailable or slower than the program); the stored result still has them.
const TypeDropped = "dropped"

// StatusData is the JSON Data of a "status" event.
type StatusData struct {
	ExecutionID string    `json:"execution_id"`
	SessionID   string    `json:"session_id"`
	Status      string    `json:"status"`
	Attempt     int       `json:"attempt,omitempty"` // a higher attempt than seen before means the run restarted
	At          time.Time `json:"at"`
}

// ChunkData is the JSON Data of an output chunk where events of several executions mix (a
// session topic) and as clients receive it; an execution topic carries the chunk's bare text.
type ChunkData struct {
	ExecutionID string `json:"execution_id"`
	Data        string `json:"data"`
}

// DroppedData is the JSON Data of a "dropped" event.
type DroppedData struct {
	ExecutionID string `json:"execution_id"`
	Bytes       int    `json:"bytes"`
}

// Status is the "status" event of e entering status at at; attempt is 0 when it is not a run's.
func Status(e execution.Execution, status execution.Status, attempt int, at time.Time) stream.Event {
	b, _ := json.Marshal(StatusData{ExecutionID: e.ID, SessionID: e.SessionID, Status: string(status),
		Attempt: attempt, At: at.UTC()}) // cannot fail: strings, an int and a time
	return stream.Event{Type: stream.TypeStatus, Data: string(b)}
}

// Dropped is the event saying bytes of executionID's output were not streamed.
func Dropped(executionID string, bytes int) stream.Event {
	b, _ := json.Marshal(DroppedData{ExecutionID: executionID, Bytes: bytes}) // cannot fail
	return stream.Event{Type: TypeDropped, Data: string(b)}
}

// isChunk reports whether ev is an output chunk, whose Data is bare text on an execution topic.
func isChunk(ev stream.Event) bool {
	return ev.Type == stream.TypeStdout || ev.Type == stream.TypeStderr
}

// chunkJSON wraps an output chunk of executionID as ChunkData.
func chunkJSON(executionID, text string) []byte {
	b, _ := json.Marshal(ChunkData{ExecutionID: executionID, Data: text}) // cannot fail: two strings
	return b
}

// Wire is the JSON a client receives as an event's data. Output chunks of an execution topic
// (executionID set) are bare text and get wrapped; everything else is JSON already (compacted
// to one line).
func Wire(executionID string, ev stream.Event) json.RawMessage {
	if executionID != "" && isChunk(ev) {
		return chunkJSON(executionID, ev.Data)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(ev.Data)); err != nil {
		b, _ := json.Marshal(ev.Data) // not JSON: pass it as a string
		return b
	}
	return buf.Bytes()
}
