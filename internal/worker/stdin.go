// Interactive standard input and the other controls a client sends to a running execution.

package worker

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"

	"livecode/internal/stream"
)

// errCancelled is the cause of a run stopped by a client's cancel.
var errCancelled = errors.New("cancelled by a client")

// maxStdinPending bounds the stdin text received but not yet read by the program.
const maxStdinPending = 1 << 20

// stdinPipe is the program's standard input when it is interactive: text arrives from
// controls and waits here until the program reads it. Writes never block; past
// maxStdinPending unread bytes they are refused.
type stdinPipe struct {
	mu     sync.Mutex
	buf    []byte
	closed bool
	signal chan struct{} // closed and replaced when buf grows or the pipe closes
}

func newStdinPipe() *stdinPipe { return &stdinPipe{signal: make(chan struct{})} }

// Read implements io.Reader: it waits for text, and returns io.EOF once closed and drained.
func (p *stdinPipe) Read(b []byte) (int, error) {
	for {
		p.mu.Lock()
		if len(p.buf) > 0 {
			n := copy(b, p.buf)
			p.buf = p.buf[n:]
			p.mu.Unlock()
			return n, nil
		}
		if p.closed {
			p.mu.Unlock()
			return 0, io.EOF
		}
		sig := p.signal
		p.mu.Unlock()
		<-sig
	}
}

// write appends text; false when the pipe is closed or too much is unread.
func (p *stdinPipe) write(s string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.buf)+len(s) > maxStdinPending {
		return false
	}
	p.buf = append(p.buf, s...)
	close(p.signal)
	p.signal = make(chan struct{})
	return true
}

// close ends the input: the program reads what is left, then EOF. Idempotent.
func (p *stdinPipe) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		close(p.signal)
	}
}

// applyControls acts on the controls sent to executionID until ctx ends: stdin text goes to
// in (nil when stdin is not interactive: the text is ignored), close_stdin closes it, cancel
// stops the run with errCancelled.
func applyControls(ctx context.Context, b Broker, executionID string, in *stdinPipe, cancel context.CancelCauseFunc, log *slog.Logger) {
	ch, err := b.Controls(ctx, executionID)
	if err != nil {
		log.Warn("controls unavailable", "err", err)
		return
	}
	for {
		// Return as soon as ctx ends: the broker's listener closes ch on its own, which may
		// take it a while (a blocking read on Redis), and the run must not wait for that.
		var c stream.Control
		var ok bool
		select {
		case c, ok = <-ch:
		case <-ctx.Done():
			return
		}
		if !ok {
			return
		}
		switch c.Type {
		case stream.ControlStdin:
			if in == nil {
				log.Debug("stdin control ignored: the execution has fixed stdin")
			} else if !in.write(c.Data) {
				log.Warn("stdin control refused: stdin closed or too much unread", "bytes", len(c.Data))
			}
		case stream.ControlCloseStdin:
			if in != nil {
				in.close()
			}
		case stream.ControlCancel:
			log.Info("cancel received")
			cancel(errCancelled)
		default:
			log.Debug("unknown control ignored", "type", c.Type)
		}
	}
}
