// Compatible APIs' common ground: decoding their bodies, and livecode's errors in their words.

package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// compatError is an error as a compatible API reports it: the status toHTTP gives it, the
// request field at fault (livecode's name, without "body."), its message and its headers
// (Retry-After).
type compatError struct {
	status  int
	field   string
	message string
	headers http.Header
}

// withField is the message prefixed with the field at fault, if any.
func (e compatError) withField() string {
	if e.field == "" {
		return e.message
	}
	return e.field + ": " + e.message
}

// compatErrorOf maps err through toHTTP, the one mapping of livecode's errors.
func (s *server) compatErrorOf(ctx context.Context, op string, err error) compatError {
	var p *problemDoc
	if !errors.As(s.toHTTP(ctx, op, err), &p) {
		return compatError{status: http.StatusInternalServerError, message: "internal error"}
	}
	e := compatError{status: p.Status, message: p.Detail, headers: p.headers}
	if len(p.Errors) > 0 {
		e.field = strings.TrimPrefix(p.Errors[0].Location, "body.")
	}
	return e
}

// badRequest is a compatible API's own validation error.
func badRequest(format string, args ...any) compatError {
	return compatError{status: http.StatusBadRequest, message: fmt.Sprintf(format, args...)}
}

// decodeBody decodes a JSON body of at most MAX_BODY_BYTES into dst; an empty body leaves dst.
func (s *server) decodeBody(w http.ResponseWriter, r *http.Request, dst any) *compatError {
	body := http.MaxBytesReader(w, r.Body, int64(s.cfg.MaxBodyBytes))
	err := json.NewDecoder(body).Decode(dst)
	var tooBig *http.MaxBytesError
	switch {
	case err == nil, errors.Is(err, io.EOF):
		return nil
	case errors.As(err, &tooBig):
		return &compatError{status: http.StatusRequestEntityTooLarge,
			message: fmt.Sprintf("request body is larger than %d bytes (MAX_BODY_BYTES)", s.cfg.MaxBodyBytes)}
	}
	e := badRequest("request body is not valid JSON: %v", err)
	return &e
}

// writeJSON writes v as a JSON answer with status.
func writeJSON(w http.ResponseWriter, status int, v any, headers http.Header) {
	for k, vs := range headers {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
