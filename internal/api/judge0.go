// Judge0-compatible API (Judge0 CE) under /judge0: routes, creating and reading submissions.

package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"livecode/internal/execution"
	"livecode/internal/problem"
)

const judge0Prefix = "/judge0"

func (s *server) judge0Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+judge0Prefix+"/submissions", s.judge0Create)
	mux.HandleFunc("GET "+judge0Prefix+"/submissions/{token}", s.judge0Get)
	mux.HandleFunc("POST "+judge0Prefix+"/submissions/batch", s.judge0CreateBatch)
	mux.HandleFunc("GET "+judge0Prefix+"/submissions/batch", s.judge0GetBatch)
	mux.HandleFunc("GET "+judge0Prefix+"/languages", s.judge0ListLanguages)
	mux.HandleFunc("GET "+judge0Prefix+"/config_info", s.judge0ConfigInfo)
	mux.HandleFunc("GET "+judge0Prefix+"/statuses", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, judge0StatusList(), nil)
	})
}

// judge0Query is the query parameters every submission endpoint takes.
type judge0Query struct {
	base64 bool
	wait   bool
	fields []string
}

func judge0ParseQuery(r *http.Request) (judge0Query, error) {
	var q judge0Query
	var err error
	for name, dst := range map[string]*bool{"base64_encoded": &q.base64, "wait": &q.wait} {
		switch v := r.URL.Query().Get(name); v {
		case "", "false":
		case "true":
			*dst = true
		default:
			return q, fmt.Errorf("%s must be true or false, not %q", name, v)
		}
	}
	q.fields, err = judge0Fields(r.URL.Query().Get("fields"))
	return q, err
}

// judge0Create serves POST /submissions: 201 with the token, or with wait=true the submission
// as it is when it ends or MAX_WAIT_MS passes.
func (s *server) judge0Create(w http.ResponseWriter, r *http.Request) {
	q, err := judge0ParseQuery(r)
	if err != nil {
		judge0Fail(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	var in judge0Request
	if cerr := s.decodeBody(w, r, &in); cerr != nil {
		judge0Fail(w, cerr.status, cerr.message, nil)
		return
	}
	wait := s.cfg.maxWait()
	if !q.wait {
		wait = 0
	}
	e, lang, refused := s.judge0Submit(r.Context(), in, q.base64, wait)
	if refused != nil {
		writeJSON(w, refused.status, refused.body, refused.headers)
		return
	}
	if !q.wait {
		writeJSON(w, http.StatusCreated, map[string]string{"token": e.ID}, nil)
		return
	}
	doc, err := s.judge0Render(e, lang, q)
	if err != nil {
		writeJSON(w, http.StatusCreated, map[string]string{"token": e.ID, "error": err.Error()}, nil)
		return
	}
	writeJSON(w, http.StatusCreated, doc, nil)
}

// judge0Refusal is a refused submission as Judge0 answers it.
type judge0Refusal struct {
	status  int
	body    any // judge0Errors, or {"error": …}
	headers http.Header
}

// judge0Submit admits one submission and waits at most wait for its end; nil refusal means admitted.
func (s *server) judge0Submit(ctx context.Context, in judge0Request, b64 bool, wait time.Duration) (execution.Execution, judge0Language, *judge0Refusal) {
	lang, req, errs := s.judge0Run(in, b64)
	if len(errs) > 0 {
		return execution.Execution{}, lang, &judge0Refusal{status: http.StatusUnprocessableEntity, body: errs}
	}
	e, err := s.admitAndWait(ctx, req, wait)
	if err != nil {
		ce := s.compatErrorOf(ctx, "judge0-submit", err)
		if f := judge0FieldOf(ce.field, in); f != "" && problem.KindOf(err) != problem.RateLimited && problem.KindOf(err) != problem.Unavailable {
			return e, lang, &judge0Refusal{status: http.StatusUnprocessableEntity, body: judge0Errors{f: {ce.message}}}
		}
		return e, lang, &judge0Refusal{status: ce.status, body: map[string]string{"error": ce.message}, headers: ce.headers}
	}
	return e, lang, nil
}

// judge0Render is an execution as Judge0's submission document.
func (s *server) judge0Render(e execution.Execution, lang judge0Language, q judge0Query) (map[string]any, error) {
	l, _ := s.deps.Languages.Lookup(lang.Lang)
	return judge0Doc(e, lang, lang.name(l), q.fields, q.base64)
}

// judge0Get serves GET /submissions/{token}.
func (s *server) judge0Get(w http.ResponseWriter, r *http.Request) {
	q, err := judge0ParseQuery(r)
	if err != nil {
		judge0Fail(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	doc, status, err := s.judge0Read(r.Context(), r.PathValue("token"), q)
	if err != nil {
		judge0Fail(w, status, err.Error(), nil)
		return
	}
	writeJSON(w, http.StatusOK, doc, nil)
}

// judge0Read reads one submission the caller owns; on failure, the status to answer.
func (s *server) judge0Read(ctx context.Context, token string, q judge0Query) (map[string]any, int, error) {
	if checkID("token", "execution", token) != nil {
		return nil, http.StatusNotFound, fmt.Errorf("record not found")
	}
	e, err := s.ownExecution(ctx, token)
	if err != nil {
		ce := s.compatErrorOf(ctx, "judge0-get", err)
		if ce.status == http.StatusNotFound {
			ce.message = "record not found"
		}
		return nil, ce.status, fmt.Errorf("%s", ce.message)
	}
	lang, ok := judge0LanguageOf(0, e.Language)
	if !ok {
		lang = judge0Language{Lang: e.Language}
	}
	doc, err := s.judge0Render(e, lang, q)
	if err != nil {
		return nil, http.StatusBadRequest, err
	}
	return doc, http.StatusOK, nil
}

// judge0ListLanguages serves GET /languages: the available languages with Judge0's ids.
func (s *server) judge0ListLanguages(w http.ResponseWriter, _ *http.Request) {
	type view struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	out := []view{}
	for _, j := range judge0Languages {
		if l, ok := s.deps.Languages.Lookup(j.Lang); ok && l.Available {
			out = append(out, view{j.ID, j.name(l)})
		}
	}
	writeJSON(w, http.StatusOK, out, nil)
}

// judge0Fail answers with Judge0's error shape.
func judge0Fail(w http.ResponseWriter, status int, message string, headers http.Header) {
	writeJSON(w, status, map[string]string{"error": message}, headers)
}
