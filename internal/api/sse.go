// Server-Sent Events: an execution's or a session's live events over a plain HTTP response.

package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"livecode/internal/stream"
)

// executionEvents serves GET /executions/{id}/events.
func (s *server) executionEvents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f, err := s.executionFeed(r, id)
	if err != nil {
		s.fail(w, r, "execution-events", err)
		return
	}
	s.serveSSE(w, r, f)
}

// sessionEvents serves GET /code-sessions/{id}/events: the events of every execution of the
// session, as they happen. It never ends by itself.
func (s *server) sessionEvents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.streamingReady(); err != nil {
		s.fail(w, r, "session-events", err)
		return
	}
	if err := checkID("path.id", "session", id); err != nil {
		s.fail(w, r, "session-events", err)
		return
	}
	if _, err := s.ownSession(r.Context(), id); err != nil {
		s.fail(w, r, "session-events", atPath(err))
		return
	}
	cursor, err := lastEventID(r)
	if err != nil {
		s.fail(w, r, "session-events", err)
		return
	}
	s.serveSSE(w, r, feed{topic: stream.SessionTopic(id), cursor: cursor})
}

// executionFeed checks the request for an execution's events and returns its feed.
func (s *server) executionFeed(r *http.Request, id string) (feed, error) {
	if err := s.streamingReady(); err != nil {
		return feed{}, err
	}
	if err := checkID("path.id", "execution", id); err != nil {
		return feed{}, err
	}
	if _, err := s.ownExecution(r.Context(), id); err != nil {
		return feed{}, atPath(err)
	}
	cursor, err := lastEventID(r)
	if err != nil {
		return feed{}, err
	}
	return feed{topic: stream.ExecutionTopic(id), executionID: id, cursor: cursor}, nil
}

func (s *server) streamingReady() error {
	if s.deps.Broker == nil {
		return unavailable(s.cfg.BusyRetryAfter, nil, "live events are not available on this server")
	}
	return nil
}

// lastEventID is the client's cursor: the Last-Event-ID header (sent by a reconnecting
// EventSource), else the last_event_id query parameter, else 0 (from the start).
func lastEventID(r *http.Request) (int64, error) {
	v, field := r.Header.Get("Last-Event-ID"), "Last-Event-ID"
	if v == "" {
		v, field = r.URL.Query().Get("last_event_id"), "query.last_event_id"
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0, invalidField(field, "last event id must be a non-negative integer")
	}
	return n, nil
}

// serveSSE streams f as text/event-stream until it ends or the client goes away.
func (s *server) serveSSE(w http.ResponseWriter, r *http.Request, f feed) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // proxies must not hold events back
	w.WriteHeader(http.StatusOK)
	out := &sseSink{w: w, rc: http.NewResponseController(w)}
	// The deadlines set per write must not outlive the stream on a kept-alive connection.
	defer func() { _ = out.rc.SetWriteDeadline(time.Time{}) }()
	if _, err := fmt.Fprintf(w, "retry: %d\n\n", retryAfterDrop.Milliseconds()); err != nil {
		return
	}
	if err := out.flush(); err != nil {
		return
	}
	ctx, cancel := streamContext(r)
	defer cancel()
	if err := s.follow(ctx, f, out); err != nil {
		s.deps.Logger.DebugContext(ctx, "event stream ended", "topic", f.topic, "err", err)
	}
	if stopping(r) && r.Context().Err() == nil {
		out.goingAway()
	}
}

// goingAway ends a stream cut by the server's shutdown with a short reconnect delay: the client
// (an EventSource does it by itself) reconnects, to another server, with its Last-Event-ID.
func (o *sseSink) goingAway() {
	_ = o.rc.SetWriteDeadline(time.Now().Add(writeWait))
	if _, err := fmt.Fprintf(o.w, "retry: %d\n: server shutting down; reconnect with Last-Event-ID\n\n", reconnectAfter.Milliseconds()); err == nil {
		_ = o.rc.Flush()
	}
}

// sseSink writes events in the text/event-stream format. Each batch of writes must finish
// within writeWait, so a stalled client is dropped instead of holding the handler.
type sseSink struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (o *sseSink) event(_ context.Context, seq int64, typ string, data json.RawMessage) error {
	_ = o.rc.SetWriteDeadline(time.Now().Add(writeWait))
	var err error
	if seq > 0 {
		_, err = fmt.Fprintf(o.w, "id: %d\nevent: %s\ndata: %s\n\n", seq, typ, data)
	} else {
		_, err = fmt.Fprintf(o.w, "event: %s\ndata: %s\n\n", typ, data)
	}
	return err
}

func (o *sseSink) flush() error {
	_ = o.rc.SetWriteDeadline(time.Now().Add(writeWait))
	return o.rc.Flush()
}

func (o *sseSink) heartbeat(context.Context) error {
	_ = o.rc.SetWriteDeadline(time.Now().Add(writeWait))
	if _, err := fmt.Fprint(o.w, ": heartbeat\n\n"); err != nil {
		return err
	}
	return o.rc.Flush()
}

// fail answers a plain (non-huma) handler's error as a problem document.
func (s *server) fail(w http.ResponseWriter, r *http.Request, op string, err error) {
	p, ok := s.toHTTP(r.Context(), op, err).(*problemDoc)
	if !ok {
		p = newProblem(http.StatusInternalServerError, "internal error")
	}
	for k, v := range p.GetHeaders() {
		w.Header()[k] = v
	}
	writeProblem(w, r, p)
}
