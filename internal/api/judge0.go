// Judge0-compatible API (Judge0 CE) under /judge0: submissions, batches, languages and
// statuses, mapped onto one-call runs.
package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/problem"
)

const judge0Prefix = "/judge0"

// judge0Request is a submission as Judge0 clients send it. Attributes livecode has no use for
// (stack_limit, cpu_extra_time, number_of_runs, max_file_size, the per-process flags) are
// accepted and ignored; those it cannot honour are refused.
type judge0Request struct {
	SourceCode             *string         `json:"source_code"`
	LanguageID             json.RawMessage `json:"language_id"`
	Stdin                  *string         `json:"stdin"`
	ExpectedOutput         *string         `json:"expected_output"`
	CommandLineArguments   *string         `json:"command_line_arguments"`
	CompilerOptions        *string         `json:"compiler_options"`
	CPUTimeLimit           *float64        `json:"cpu_time_limit"`
	WallTimeLimit          *float64        `json:"wall_time_limit"`
	MemoryLimit            *float64        `json:"memory_limit"`
	MaxProcesses           *float64        `json:"max_processes_and_or_threads"`
	RedirectStderrToStdout *bool           `json:"redirect_stderr_to_stdout"`
	EnableNetwork          *bool           `json:"enable_network"`
	CallbackURL            *string         `json:"callback_url"`
	AdditionalFiles        *string         `json:"additional_files"`
}

// judge0Errors are Judge0's validation errors: messages by attribute, answered with 422.
type judge0Errors map[string][]string

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
	wait := s.cfg.MaxWait
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

// judge0Run checks a submission and maps it onto a one-call run.
func (s *server) judge0Run(in judge0Request, b64 bool) (judge0Language, runRequest, judge0Errors) {
	errs := judge0Errors{}
	add := func(field, format string, args ...any) {
		errs[field] = append(errs[field], fmt.Sprintf(format, args...))
	}
	decode := func(field string, v *string) *string {
		if v == nil || !b64 {
			return v
		}
		b, err := base64.StdEncoding.DecodeString(*v)
		if err != nil {
			add(field, "is not valid Base64")
			return nil
		}
		d := string(b)
		return &d
	}
	code, stdin, expected := decode("source_code", in.SourceCode), decode("stdin", in.Stdin), decode("expected_output", in.ExpectedOutput)
	if in.SourceCode == nil {
		add("source_code", "can't be blank")
	}
	lang, l, ok := s.judge0Language(in.LanguageID)
	switch {
	case len(in.LanguageID) == 0 || string(in.LanguageID) == "null":
		add("language_id", "can't be blank")
	case !ok:
		add("language_id", "language with id %s doesn't exist", strings.Trim(string(in.LanguageID), `"`))
	}
	for field, v := range map[string]*string{"compiler_options": in.CompilerOptions, "callback_url": in.CallbackURL, "additional_files": in.AdditionalFiles} {
		if v != nil && *v != "" {
			add(field, "is not supported by this server")
		}
	}
	for field, v := range map[string]*bool{"redirect_stderr_to_stdout": in.RedirectStderrToStdout, "enable_network": in.EnableNetwork} {
		if v != nil && *v {
			add(field, "is not supported by this server")
		}
	}
	req := runRequest{Endpoint: "judge0", OneCall: true, Language: l.ID, Stdin: stdin, ExpectedOutput: expected,
		languageField: "body.language"}
	if code != nil {
		req.Code = *code
	}
	if in.CommandLineArguments != nil {
		req.Args = strings.Fields(*in.CommandLineArguments)
	}
	// A run has one time limit; it takes the smaller of the CPU and wall-clock limits asked.
	max := s.cfg.Maximums
	for _, f := range []struct {
		name  string
		v     *float64
		scale float64 // Judge0's unit in livecode's
		max   int     // in livecode's unit
		dst   **int
	}{
		{"cpu_time_limit", in.CPUTimeLimit, 1000, max.TimeLimitMS, &req.Limits.TimeLimitMS},
		{"wall_time_limit", in.WallTimeLimit, 1000, max.TimeLimitMS, &req.Limits.TimeLimitMS},
		{"memory_limit", in.MemoryLimit, 1.0 / 1024, max.MemoryLimitMB, &req.Limits.MemoryLimitMB},
		{"max_processes_and_or_threads", in.MaxProcesses, 1, max.MaxProcesses, &req.Limits.MaxProcesses},
	} {
		if f.v == nil {
			continue
		}
		if *f.v <= 0 || math.IsInf(*f.v, 0) || math.IsNaN(*f.v) {
			add(f.name, "must be greater than 0")
			continue
		}
		if *f.v*f.scale > float64(f.max) {
			add(f.name, "must be less than or equal to %g", float64(f.max)/f.scale)
			continue
		}
		n := int(math.Ceil(*f.v * f.scale))
		if *f.dst == nil || n < **f.dst {
			*f.dst = &n
		}
	}
	return lang, req, errs
}

// judge0Language resolves a language_id, a number or a numeric string.
func (s *server) judge0Language(raw json.RawMessage) (judge0Language, language.Language, bool) {
	id, err := strconv.Atoi(strings.Trim(string(raw), `"`))
	if err != nil {
		return judge0Language{}, language.Language{}, false
	}
	j, ok := judge0LanguageOf(id, "")
	if !ok || j.ID != id {
		return j, language.Language{}, false
	}
	l, ok := s.deps.Languages.Lookup(j.Lang)
	return j, l, ok && l.Available
}

// judge0FieldOf names, in Judge0's terms, the request field livecode's error names.
func judge0FieldOf(field string, in judge0Request) string {
	switch {
	case field == "code":
		return "source_code"
	case field == "language":
		return "language_id"
	case field == "stdin", field == "memory_limit":
		return field
	case strings.HasPrefix(field, "args"):
		return "command_line_arguments"
	case field == "memory_limit_mb":
		return "memory_limit"
	case field == "max_processes":
		return "max_processes_and_or_threads"
	case field == "time_limit_ms" && in.WallTimeLimit != nil:
		return "wall_time_limit"
	case field == "time_limit_ms":
		return "cpu_time_limit"
	}
	return ""
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
