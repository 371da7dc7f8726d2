// Judge0's batches: many submissions created or read in one request, each on its own.

package api

import (
	"fmt"
	"net/http"
	"strings"
)

// judge0CreateBatch serves POST /submissions/batch: each submission is admitted or refused on
// its own, and the answer lists a token or the refusal for each, in order.
func (s *server) judge0CreateBatch(w http.ResponseWriter, r *http.Request) {
	q, err := judge0ParseQuery(r)
	if err != nil {
		judge0Fail(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	var in struct {
		Submissions []judge0Request `json:"submissions"`
	}
	if cerr := s.decodeBody(w, r, &in); cerr != nil {
		judge0Fail(w, cerr.status, cerr.message, nil)
		return
	}
	if err := s.judge0BatchSize(len(in.Submissions)); err != nil {
		judge0Fail(w, http.StatusUnprocessableEntity, err.Error(), nil)
		return
	}
	out := make([]any, len(in.Submissions))
	for i, sub := range in.Submissions {
		e, _, refused := s.judge0Submit(r.Context(), sub, q.base64, 0)
		if refused != nil {
			out[i] = refused.body
			continue
		}
		out[i] = map[string]string{"token": e.ID}
	}
	writeJSON(w, http.StatusCreated, out, nil)
}

// judge0GetBatch serves GET /submissions/batch?tokens=…: the submissions in the order asked,
// null for a token that names none of the caller's.
func (s *server) judge0GetBatch(w http.ResponseWriter, r *http.Request) {
	q, err := judge0ParseQuery(r)
	if err != nil {
		judge0Fail(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	var tokens []string
	for _, t := range strings.Split(r.URL.Query().Get("tokens"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			tokens = append(tokens, t)
		}
	}
	if err := s.judge0BatchSize(len(tokens)); err != nil {
		judge0Fail(w, http.StatusUnprocessableEntity, err.Error(), nil)
		return
	}
	out := make([]any, len(tokens))
	for i, t := range tokens {
		doc, status, err := s.judge0Read(r.Context(), t, q)
		switch {
		case err == nil:
			out[i] = doc
		case status == http.StatusNotFound:
			out[i] = nil
		default:
			judge0Fail(w, status, err.Error(), nil)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"submissions": out}, nil)
}

// judge0BatchSize refuses an empty batch or one above MAX_BATCH.
func (s *server) judge0BatchSize(n int) error {
	switch {
	case n == 0:
		return fmt.Errorf("there should be at least one submission in a batch")
	case n > s.cfg.MaxBatch:
		return fmt.Errorf("number of submissions in a batch should be less than or equal to %d (MAX_BATCH)", s.cfg.MaxBatch)
	}
	return nil
}
