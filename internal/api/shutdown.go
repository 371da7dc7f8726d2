// Shutdown of live streams: ended with a reconnect hint, and waited for.

package api

import (
	"context"
	"net/http"
	"sync"
)

type shutdownKey struct{}

// Streams ends a server's live streams when it shuts down, each with a reconnect hint (SSE
// retry:, WebSocket going-away close) so that its client resumes on another server from its
// last event id, and lets the server wait for those goodbyes to be written.
type Streams struct {
	stop   context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	open   sync.WaitGroup
}

// NewStreams returns the live streams of one http.Server.
func NewStreams() *Streams {
	stop, cancel := context.WithCancel(context.Background())
	return &Streams{stop: stop, cancel: cancel}
}

// Context returns ctx carrying s: the http.Server's BaseContext.
func (s *Streams) Context(ctx context.Context) context.Context {
	return context.WithValue(ctx, shutdownKey{}, s)
}

// Stop ends every stream in progress and any started later; register it with RegisterOnShutdown,
// so that Shutdown does not wait for connections that would never go idle.
func (s *Streams) Stop() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
}

// Wait waits until the streams open at Stop have ended, or ctx ends (then it returns its error).
// WebSockets are hijacked connections that http.Server.Shutdown does not wait for.
func (s *Streams) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.open.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// begin counts a stream in unless the server is stopping.
func (s *Streams) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.open.Add(1)
	return true
}

func streamsOf(ctx context.Context) *Streams {
	s, _ := ctx.Value(shutdownKey{}).(*Streams)
	return s
}

// streamContext is the request's context, also ended by the server's shutdown; end releases it
// and may be called more than once (a WebSocket's reader ends the follow too).
func streamContext(r *http.Request) (ctx context.Context, end context.CancelFunc) {
	ctx, cancel := context.WithCancel(r.Context())
	s := streamsOf(r.Context())
	if s == nil {
		return ctx, cancel
	}
	counted := s.begin()
	unregister := context.AfterFunc(s.stop, cancel)
	var once sync.Once
	return ctx, func() {
		cancel()
		once.Do(func() {
			unregister()
			if counted {
				s.open.Done()
			}
		})
	}
}

// stopping reports whether the server serving r is shutting down.
func stopping(r *http.Request) bool {
	s := streamsOf(r.Context())
	return s != nil && s.stop.Err() != nil
}
