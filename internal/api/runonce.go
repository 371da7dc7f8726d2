// One-call runs: POST /run admits a run without a session and may wait for its end.

package api

import (
	"context"
	"net/http"
	"time"

	"livecode/internal/execution"
)

type runOnceInput struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"255" doc:"Repeating a request with the same key (per API key) returns the same execution"`
	Body           runOnceBody
}

type runOnceBody struct {
	Language string      `json:"language" maxLength:"64" doc:"Language id (GET /languages)"`
	Code     *string     `json:"code,omitempty" doc:"The program; or files"`
	Files    []FileInput `json:"files,omitempty" nullable:"false" doc:"At most MAX_FILES (64). A multi-file program, instead of code; the first file is the entry point"`
	Stdin    *string     `json:"stdin,omitempty"`
	Args     []string    `json:"args,omitempty" nullable:"false" doc:"Program arguments: at most MAX_ARGS (64) of at most MAX_ARG_BYTES (4 KiB) each, MAX_ARGS_BYTES (64 KiB) together"`
	WaitMS   *int        `json:"wait_ms,omitempty" minimum:"0" doc:"How long to wait for the end: 200 with the finished execution if it ends within it, else 202 with the execution so far. Default and bound: MAX_WAIT_MS (30000)"`
	RunLimits
}

type runOnceOutput struct {
	Status   int
	Location string `header:"Location"`
	Body     executionView
}

// runOnce serves POST /run: the run gets a session of its own, created with it in one
// transaction, so it passes the same admission, quotas and queue as every run.
func (s *server) runOnce(ctx context.Context, in *runOnceInput) (*runOnceOutput, error) {
	req, err := s.oneCall(in.Body)
	if err != nil {
		return nil, err
	}
	req.IdempotencyKey = in.IdempotencyKey
	wait, err := s.waitFor("body.wait_ms", in.Body.WaitMS)
	if err != nil {
		return nil, err
	}
	e, err := s.admitAndWait(ctx, req, wait)
	if err != nil {
		return nil, err
	}
	out := &runOnceOutput{Status: http.StatusOK, Location: "/executions/" + e.ID, Body: viewExecution(e)}
	if !e.Status.Terminal() {
		out.Status = http.StatusAccepted
	}
	return out, nil
}

// oneCall checks what submit does not of a one-call run's body, and makes its run request.
func (s *server) oneCall(b runOnceBody) (runRequest, error) {
	if b.Code != nil && len(b.Files) > 0 {
		return runRequest{}, unprocessable("body.files", "give code or files, not both")
	}
	if b.Code == nil && len(b.Files) == 0 {
		return runRequest{}, unprocessable("body.code", "code or files is required")
	}
	code, err := s.resolveCode("code", alias{"code", b.Code})
	if err != nil {
		return runRequest{}, err
	}
	req := runRequest{Endpoint: "run-once", OneCall: true, Language: b.Language, Stdin: b.Stdin, Args: b.Args, Files: b.Files,
		Limits: b.RunLimits, languageField: "body.language", givenLanguage: &b.Language, givenCode: code}
	if code != nil {
		req.Code = *code
	}
	return req, nil
}

// admitAndWait is the one admission path of every one-call run (POST /run and the compatible
// APIs): submit, then wait at most wait for the end.
func (s *server) admitAndWait(ctx context.Context, req runRequest, wait time.Duration) (execution.Execution, error) {
	e, err := s.submit(ctx, req)
	if err != nil {
		return e, err
	}
	return s.awaitEnd(ctx, e, wait)
}

// waitFor is a requested wait in milliseconds, MAX_WAIT_MS when absent; above it is a 422.
func (s *server) waitFor(field string, ms *int) (time.Duration, error) {
	if ms == nil {
		return s.cfg.maxWait(), nil
	}
	if *ms < 0 || time.Duration(*ms)*time.Millisecond > s.cfg.maxWait() {
		return 0, unprocessable(field, "wait_ms must be between 0 and %d", s.cfg.maxWait().Milliseconds())
	}
	return time.Duration(*ms) * time.Millisecond, nil
}
