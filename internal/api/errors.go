// Errors: the one place where livecode's error kinds become HTTP statuses and problem documents.

package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"livecode/internal/problem"
	"livecode/internal/store"
)

// problemDoc is an RFC 9457 problem document with livecode's extension members.
type problemDoc struct {
	huma.ErrorModel
	// ExecutionID is the active execution that caused a 409.
	ExecutionID string `json:"execution_id,omitempty"`
	// RetryAfterSeconds repeats the Retry-After header of a 429 or 503.
	RetryAfterSeconds int `json:"retry_after_seconds,omitempty"`
	// RequestID is the request's X-Request-Id, to quote when reporting the problem.
	RequestID string `json:"request_id,omitempty"`
	// Session is the current session of a 412: what the other client saved.
	Session *sessionView `json:"session,omitempty"`

	headers http.Header
}

// Error returns the problem's detail.
func (p *problemDoc) Error() string { return p.Detail }

// GetStatus returns the HTTP status of the problem.
func (p *problemDoc) GetStatus() int { return p.Status }

// GetHeaders returns the headers the problem adds to its response, e.g. Retry-After.
func (p *problemDoc) GetHeaders() http.Header { return p.headers }

// statusOf is the HTTP status of each error kind.
func statusOf(k problem.Kind) int {
	switch k {
	case problem.Invalid:
		return http.StatusBadRequest
	case problem.NotFound:
		return http.StatusNotFound
	case problem.Conflict:
		return http.StatusConflict
	case problem.TooLarge:
		return http.StatusRequestEntityTooLarge
	case problem.Unprocessable:
		return http.StatusUnprocessableEntity
	case problem.RateLimited:
		return http.StatusTooManyRequests
	case problem.Unavailable:
		return http.StatusServiceUnavailable
	case problem.Unauthorized:
		return http.StatusUnauthorized
	case problem.Stale:
		return http.StatusPreconditionFailed
	}
	return http.StatusInternalServerError
}

// toHTTP turns any error a handler meets into the problem its client sees. Users see
// "internal error" for infrastructure trouble; the log gets the cause.
func (s *server) toHTTP(ctx context.Context, op string, err error) error {
	pe, ok := problem.As(err)
	if !ok || pe.Kind == problem.Internal {
		s.deps.Logger.LogAttrs(ctx, slog.LevelError, "request failed", slog.String("operation", op), slog.Any("error", err))
		p := newProblem(http.StatusInternalServerError, "internal error")
		p.RequestID = requestIDOf(ctx)
		return p
	}
	status := statusOf(pe.Kind)
	p := newProblem(status, pe.Message)
	p.RequestID = requestIDOf(ctx)
	if pe.Field != "" {
		p.Errors = []*huma.ErrorDetail{{Message: pe.Message, Location: location(pe.Field)}}
	}
	var active *activeConflict
	if errors.As(err, &active) {
		p.ExecutionID = active.executionID
	}
	var stale *store.StaleSession
	if errors.As(err, &stale) {
		v := viewSession(stale.Current)
		p.Session = &v
		p.headers = http.Header{"Etag": {sessionETag(stale.Current.Version)}}
	}
	if pe.Kind == problem.Unauthorized {
		p.headers = http.Header{"Www-Authenticate": {`Bearer realm="livecode-admin"`}}
	}
	if pe.Kind == problem.RateLimited || pe.Kind == problem.Unavailable {
		retry := pe.RetryAfter
		if retry <= 0 {
			retry = s.cfg.BusyRetryAfter
		}
		secs := int(math.Ceil(retry.Seconds()))
		p.RetryAfterSeconds = secs
		p.headers = http.Header{"Retry-After": {strconv.Itoa(secs)}}
		if pe.Limit > 0 && pe.Window > 0 {
			rateLimitHeaders(p.headers, pe.Limit, pe.Window, secs)
		}
	}
	if pe.Err != nil {
		s.deps.Logger.LogAttrs(ctx, slog.LevelWarn, "request refused", slog.String("operation", op),
			slog.Int("status", status), slog.Any("error", pe.Err))
	}
	return p
}

// rateLimitHeaders sets the headers of draft-ietf-httpapi-ratelimit-headers-07 for a refused
// request: none of limit remains for the next secs seconds of a window of window.
func rateLimitHeaders(h http.Header, limit int, window time.Duration, secs int) {
	h.Set("RateLimit-Limit", strconv.Itoa(limit))
	h.Set("RateLimit-Remaining", "0")
	h.Set("RateLimit-Reset", strconv.Itoa(secs))
	h.Set("RateLimit-Policy", fmt.Sprintf("%d;w=%d", limit, int(math.Ceil(window.Seconds()))))
}

func newProblem(status int, detail string) *problemDoc {
	return &problemDoc{ErrorModel: huma.ErrorModel{Title: http.StatusText(status), Status: status, Detail: detail}}
}

// maxErrorValue bounds the offending value a validation error echoes back: a 1 MiB body must
// not come back in its own 422.
const maxErrorValue = 256

// fixErrors is a response transformer for the problems huma builds itself (validation, body
// limit): it drops large values from their errors and adds the request id.
func fixErrors(ctx huma.Context, _ string, v any) (any, error) {
	m, ok := v.(*huma.ErrorModel)
	if !ok {
		return v, nil
	}
	for _, d := range m.Errors {
		if s, ok := d.Value.(string); ok && len(s) > maxErrorValue {
			d.Value = s[:maxErrorValue] + "…"
		} else if !ok && d.Value != nil {
			if b, err := json.Marshal(d.Value); err != nil || len(b) > maxErrorValue {
				d.Value = nil
			}
		}
	}
	return &problemDoc{ErrorModel: *m, RequestID: requestIDOf(ctx.Context())}, nil
}

// location gives a field name the prefix huma uses in errors[].location (body., path., query.,
// header.): the store names body fields bare, headers capitalized, and the page cursor "before".
func location(field string) string {
	for _, p := range []string{"body", "path.", "query.", "header.", "session."} {
		if strings.HasPrefix(field, p) {
			return field
		}
	}
	switch {
	case field == "before":
		return "query.cursor"
	case field[0] >= 'A' && field[0] <= 'Z':
		return "header." + field
	}
	return "body." + field
}

// activeConflict is a run refused because another execution of the session is still active;
// the problem document names that execution.
type activeConflict struct {
	err         *problem.Error
	executionID string
}

func (a *activeConflict) Error() string { return a.err.Error() }
func (a *activeConflict) Unwrap() error { return a.err }

// namingActive makes a Conflict that refers to an execution of session sessionID (store.ErrActive,
// a refused purge) name that execution in its problem document.
func namingActive(err error, sessionID string) error {
	if pe, ok := problem.As(err); ok && pe.Kind == problem.Conflict && pe.Ref != "" && pe.Ref != sessionID {
		return &activeConflict{err: pe, executionID: pe.Ref}
	}
	return err
}

// atPath reports a NotFound error at the path's id rather than at a body field.
func atPath(err error) error {
	return notFoundAt(err, "path.id")
}

// notFoundAt names field as the location of a NotFound error.
func notFoundAt(err error, field string) error {
	pe, ok := problem.As(err)
	if !ok || pe.Kind != problem.NotFound {
		return err
	}
	cp := *pe
	cp.Field = field
	return &cp
}

// invalidField, tooLarge and unprocessable build the input errors handlers return most often.
func invalidField(field, format string, args ...any) error {
	return &problem.Error{Kind: problem.Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

func tooLarge(field string, limit int) error {
	return &problem.Error{Kind: problem.TooLarge, Field: field,
		Message: fmt.Sprintf("%s is larger than the limit of %d bytes", strings.TrimPrefix(field, "body."), limit)}
}

func unprocessable(field, format string, args ...any) error {
	return &problem.Error{Kind: problem.Unprocessable, Field: field, Message: fmt.Sprintf(format, args...)}
}

func unavailable(retry time.Duration, cause error, format string, args ...any) error {
	return &problem.Error{Kind: problem.Unavailable, RetryAfter: retry, Err: cause, Message: fmt.Sprintf(format, args...)}
}

// writeProblem writes p outside huma (router fallbacks, panics) for the request r.
func writeProblem(w http.ResponseWriter, r *http.Request, p *problemDoc) {
	p.RequestID = requestIDOf(r.Context())
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// recoverer answers 500 instead of dropping the connection when a handler panics.
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.LogAttrs(r.Context(), slog.LevelError, "handler panic", slog.String("path", r.URL.Path), slog.Any("panic", v))
				writeProblem(w, r, newProblem(http.StatusInternalServerError, "internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
