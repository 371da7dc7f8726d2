// WebSocket: an execution's live events out, its stdin and cancel in.

package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"

	"github.com/coder/websocket"

	"livecode/internal/stream"
)

// wsMessage is what the server sends: one event, as SSE carries it, or an "error" about a
// client message (Seq 0).
type wsMessage struct {
	Seq  int64           `json:"seq"`
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// wsControl is what a client sends: {"type":"stdin","data":"text"}, {"type":"close_stdin"}
// or {"type":"cancel"}.
type wsControl struct {
	Type string `json:"type"`
	Data string `json:"data"`
}

// executionSocket serves GET /executions/{id}/ws.
func (s *server) executionSocket(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f, err := s.executionFeed(r, id)
	if err != nil {
		s.fail(w, r, "execution-socket", err)
		return
	}
	e, err := s.deps.Store.GetExecution(r.Context(), id)
	if err != nil {
		s.fail(w, r, "execution-socket", atPath(err))
		return
	}
	// Browsers send Origin: only pages of this host and of CORS_ORIGINS may connect, as for
	// fetch. Clients that are not browsers send none and are let in.
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: s.socketOrigins()})
	if err != nil {
		return // Accept has answered the client
	}
	defer c.CloseNow()
	c.SetReadLimit(int64(s.cfg.MaxStdinBytes) + 1024)
	ctx, cancel := streamContext(r)
	defer cancel()
	out := &wsSink{c: c}
	var wg sync.WaitGroup
	wg.Go(func() {
		defer cancel() // a client that hangs up ends the follow too
		s.readControls(ctx, c, out, id, !e.Interactive)
	})
	err = s.follow(ctx, f, out)
	if err == nil && ctx.Err() == nil {
		_ = c.Close(websocket.StatusNormalClosure, "execution finished")
	}
	cancel()
	wg.Wait()
}

// readControls relays the client's messages to the execution's worker until the connection ends.
func (s *server) readControls(ctx context.Context, c *websocket.Conn, out *wsSink, id string, fixedStdin bool) {
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return
		}
		var m wsControl
		if err := json.Unmarshal(b, &m); err != nil {
			out.reply(ctx, "message must be a JSON object with a type")
			continue
		}
		var ctl stream.Control
		switch m.Type {
		case stream.ControlStdin, stream.ControlCloseStdin:
			if fixedStdin {
				out.reply(ctx, "this execution's stdin is not interactive: queue the run with \"interactive\": true")
				continue
			}
			ctl = stream.Control{Type: m.Type, Data: m.Data}
		case stream.ControlCancel:
			if _, err := s.cancel(ctx, id); err != nil {
				out.reply(ctx, errorDetail(s.toHTTP(ctx, "execution-socket", err)))
			}
			continue
		default:
			out.reply(ctx, "unknown message type "+m.Type+"; expected stdin, close_stdin or cancel")
			continue
		}
		sctx, scancel := context.WithTimeout(ctx, brokerWait*2)
		err = s.deps.Broker.SendControl(sctx, id, ctl)
		scancel()
		switch {
		case errors.Is(err, stream.ErrTooLarge):
			out.reply(ctx, "too much input is waiting for the program; try again once it has read some")
		case err != nil:
			out.reply(ctx, "input could not be delivered; try again")
		}
	}
}

func errorDetail(err error) string {
	var p *problemDoc
	if errors.As(err, &p) {
		return p.Detail
	}
	return "internal error"
}

// wsSink writes events as JSON text messages, each within writeWait.
type wsSink struct {
	c *websocket.Conn
}

func (o *wsSink) write(ctx context.Context, m wsMessage) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, writeWait)
	defer cancel()
	return o.c.Write(ctx, websocket.MessageText, b)
}

func (o *wsSink) event(ctx context.Context, seq int64, typ string, data json.RawMessage) error {
	return o.write(ctx, wsMessage{Seq: seq, Type: typ, Data: data})
}

func (o *wsSink) flush() error { return nil }

func (o *wsSink) heartbeat(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, writeWait)
	defer cancel()
	return o.c.Ping(ctx)
}

// reply tells the client why its message was not acted on.
func (o *wsSink) reply(ctx context.Context, detail string) {
	b, _ := json.Marshal(map[string]string{"detail": detail})
	_ = o.write(ctx, wsMessage{Type: "error", Data: b})
}
