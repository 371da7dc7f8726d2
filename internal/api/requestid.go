// Request ids: X-Request-Id taken from the client when well-formed or generated, then echoed, logged and put in problems.

package api

import (
	"context"
	"log/slog"
	"net/http"
)

// RequestIDHeader carries a request's id in both directions.
const RequestIDHeader = "X-Request-Id"

// maxRequestID bounds a client's id: it lands in every log line of the request.
const maxRequestID = 128

type requestIDKey struct{}

// requestIDOf is the id of the request ctx belongs to; "" outside a request.
func requestIDOf(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// validRequestID accepts 1 to maxRequestID visible ASCII characters from a conservative set, so
// that a client's id cannot forge log fields or headers.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		switch c {
		case '-', '_', '.', ':', '/', '+', '=', '~', '@':
			ok = true
		}
		if !ok {
			return false
		}
	}
	return true
}

// withRequestID gives every request an id: the client's X-Request-Id when valid, else a new
// UUIDv7. The id is set on the response before the handler runs, so every answer carries it.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			id = newUUIDv7()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// requestLogHandler adds the request_id of the record's context to every log line.
type requestLogHandler struct{ slog.Handler }

func withRequestLog(l *slog.Logger) *slog.Logger {
	if _, ok := l.Handler().(requestLogHandler); ok {
		return l
	}
	return slog.New(requestLogHandler{l.Handler()})
}

func (h requestLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := requestIDOf(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestLogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestLogHandler{h.Handler.WithAttrs(as)}
}

func (h requestLogHandler) WithGroup(name string) slog.Handler {
	return requestLogHandler{h.Handler.WithGroup(name)}
}
