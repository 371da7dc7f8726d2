// The event broker seam: live output of executions and control messages to their workers.

// Package stream carries what an execution does while it runs, from the worker running it to
// every client watching it (Server-Sent Events, WebSocket), and carries control messages
// (stdin, cancel) the other way. memstream implements it in process for the embedded mode,
// redisstream over Redis for the distributed mode; streamtest is the conformance suite both pass.
//
// A topic is an append-only log of events numbered 1, 2, 3, … by Publish. Subscribers read it
// by cursor: a late or reconnecting client passes the last sequence number it saw and gets
// everything after it that is still retained, then the live rest, in order, without gaps or
// duplicates. A topic keeps a bounded amount of history; a subscriber whose cursor is older
// than the oldest retained event first gets one event of type "gap" (see Gap) and then
// continues at the oldest retained event. No subscriber, however slow, holds a buffer of its
// own or can slow Publish.

package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Event types. Others may be published; these have a meaning to the broker or its clients.
const (
	TypeStatus = "status" // an execution's state changed; Data is JSON
	TypeStdout = "stdout" // a chunk of the program's standard output, as written
	TypeStderr = "stderr" // a chunk of its standard error
	TypeResult = "result" // the final event of an execution topic; Data is the full result as JSON
	TypeGap    = "gap"    // produced by the broker: retained history started after the cursor
)

// Event is one entry of a topic.
type Event struct {
	Seq  int64     // 1-based position in its topic, assigned by Publish
	Type string    // one of the Type constants, or another word
	Data string    // text (output chunks) or JSON
	Time time.Time // when it was published; Publish sets it when zero
}

// GapData is the JSON Data of a "gap" event: events From through To (inclusive) were dropped
// before the subscriber read them. The gap event's own Seq is To, so a client that reconnects
// with the gap's Seq as its cursor resumes at the oldest retained event.
type GapData struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// Gap returns the event that tells a subscriber events from through to were dropped.
func Gap(from, to int64, now time.Time) Event {
	b, _ := json.Marshal(GapData{From: from, To: to}) // cannot fail: two integers
	return Event{Seq: to, Type: TypeGap, Data: string(b), Time: now}
}

// Control is a message from an API server to the worker running an execution.
type Control struct {
	Type string // one of the Control constants
	Data string // the text for ControlStdin
}

// Control types.
const (
	ControlStdin      = "stdin"       // write Data to the program's standard input
	ControlCloseStdin = "close_stdin" // close the program's standard input
	ControlCancel     = "cancel"      // stop the run; the database records the cancel too
)

// Errors the brokers return. Backend failures are wrapped in ErrUnavailable.
var (
	ErrNotFound    = errors.New("stream: topic not found")
	ErrFinished    = errors.New("stream: topic already has its final event")
	ErrTooLarge    = errors.New("stream: too large")
	ErrClosed      = errors.New("stream: broker closed")
	ErrUnavailable = errors.New("stream: backend unavailable")
)

// Broker is the event broker. All methods are safe for concurrent use.
type Broker interface {
	// Publish appends events to topic, in order, assigning each its Seq (Seq values passed in
	// are ignored) and its Time when zero. It never waits for subscribers. Errors:
	// ErrFinished when the topic already ended (execution topics end with a "result" event),
	// ErrTooLarge for one event above the broker's bound, ErrUnavailable (wrapped) when the
	// backend does not answer within the broker's publish timeout, ErrClosed after Close.
	Publish(ctx context.Context, topic string, events ...Event) error

	// Subscribe reads topic from the event after afterSeq (0: from the start): first what is
	// still retained, then live events. The topic need not exist yet. The subscription ends
	// after the final event of an execution topic is delivered (Next then returns io.EOF) or
	// when ctx ends; session topics never end by themselves. Errors: ErrUnavailable, ErrClosed.
	Subscribe(ctx context.Context, topic string, afterSeq int64) (Subscription, error)

	// Last returns the newest event of topic; ErrNotFound when the topic has no retained
	// event (never published, deleted or expired). An API server uses it to tell a finished
	// execution whose topic expired from one whose worker has not published yet.
	Last(ctx context.Context, topic string) (Event, error)

	// Delete drops topic now. Its subscribers get nothing more of what was deleted (their
	// Next may return ErrNotFound). Deleting an unknown topic is not an error. Errors:
	// ErrUnavailable, ErrClosed.
	Delete(ctx context.Context, topic string) error

	// SendControl queues c for the worker running executionID. Controls are delivered in the
	// order sent, including those sent before the worker listens (they wait, bounded in
	// bytes and in time). Errors: ErrTooLarge when the pending controls of the execution
	// would pass the bound, ErrUnavailable, ErrClosed.
	SendControl(ctx context.Context, executionID string, c Control) error

	// Controls delivers the controls sent to executionID, in order, until ctx ends; the
	// channel is then closed. One listener per execution (its worker). Errors: ErrClosed.
	Controls(ctx context.Context, executionID string) (<-chan Control, error)

	// Close stops the broker's background work and ends its subscriptions. Idempotent.
	Close() error
}

// Subscription is one reader of a topic. It holds a cursor, not a buffer.
type Subscription interface {
	// Next blocks until at least one event after the cursor is available and returns the
	// available events in order (a bounded batch), advancing the cursor. It returns io.EOF
	// once the final event has been returned, the context's error when ctx or the Subscribe
	// context ends, ErrClosed when the subscription or broker is closed, and ErrUnavailable
	// (wrapped) on backend trouble: the caller may then subscribe again from its last Seq.
	Next(ctx context.Context) ([]Event, error)

	// Close releases the subscription. Idempotent; also happens when the Subscribe context ends.
	Close() error
}

// Topic prefixes. The worker publishes every event of an execution to both its topics.
const (
	executionPrefix = "execution:"
	sessionPrefix   = "session:"
)

// ExecutionTopic is the topic of one execution; it ends with the execution's "result" event.
func ExecutionTopic(executionID string) string { return executionPrefix + executionID }

// SessionTopic is the topic of every execution of a session; it never ends by itself and
// expires after being idle.
func SessionTopic(sessionID string) string { return sessionPrefix + sessionID }

// IsFinal reports whether e is the final event of topic: a "result" on an execution topic.
func IsFinal(topic string, e Event) bool {
	return e.Type == TypeResult && strings.HasPrefix(topic, executionPrefix)
}

// Unavailable wraps a backend error as ErrUnavailable, keeping the cause.
func Unavailable(op string, err error) error {
	return fmt.Errorf("%s: %w: %w", op, ErrUnavailable, err)
}

// Stopped reports why a subscription may read no more, nil while it may: ctx (the caller's
// Next) ended, or the subscription was closed (its own subCtx's error when that ended it, else
// ErrClosed), or the broker (brokerDone) was closed.
func Stopped(ctx, subCtx context.Context, closed, brokerDone <-chan struct{}) error {
	select {
	case <-closed:
		if err := subCtx.Err(); err != nil {
			return err
		}
		return ErrClosed
	case <-brokerDone:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	default:
		return nil
	}
}
