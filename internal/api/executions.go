// Executions: read one execution, list a session's executions, and the run endpoints' shapes.

package api

import (
	"context"
)

type executionPath struct {
	ID string `path:"id" doc:"Execution id"`
}

type executionOutput struct {
	Body executionView
}

type listExecutionsInput struct {
	ID     string `path:"id" doc:"Session id"`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"Page size"`
	Cursor string `query:"cursor" maxLength:"256" doc:"next_cursor of the previous page"`
}

type listExecutionsOutput struct {
	Body struct {
		Executions []executionSummary `json:"executions"`
		NextCursor *string            `json:"next_cursor" doc:"Cursor of the next page; null on the last page"`
	}
}

// RunLimits are the run limits a request may set; absent ones take the language's defaults.
// Exported only so that request bodies can embed it (huma skips unexported embedded fields).
type RunLimits struct {
	TimeLimitMS      *int `json:"time_limit_ms,omitempty" minimum:"1" doc:"Wall-clock limit"`
	MemoryLimitMB    *int `json:"memory_limit_mb,omitempty" minimum:"1"`
	MaxProcesses     *int `json:"max_processes,omitempty" minimum:"1"`
	OutputLimitBytes *int `json:"output_limit_bytes,omitempty" minimum:"1" doc:"Cap on stdout+stderr"`
}

type runInput struct {
	ID             string `path:"id" doc:"Session id"`
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"255" doc:"Repeating a request with the same key returns the same execution"`
	Body           *runBody
}

type runBody struct {
	Stdin       *string     `json:"stdin,omitempty"`
	Interactive bool        `json:"interactive,omitempty" doc:"Keep stdin open after stdin for input sent over the WebSocket while the program runs"`
	Args        []string    `json:"args,omitempty" nullable:"false" doc:"Program arguments: at most MAX_ARGS (64) of at most MAX_ARG_BYTES (4 KiB) each, MAX_ARGS_BYTES (64 KiB) together"`
	Files       []FileInput `json:"files,omitempty" nullable:"false" doc:"At most MAX_FILES (64). A multi-file program run instead of the session's code; the first file is the entry point"`
	CallbackURL *string     `json:"callback_url,omitempty" doc:"When the run ends, its result (this document of GET /executions/{id}) is POSTed here, signed (X-Livecode-Signature). http or https, at most 2048 bytes; private, loopback and metadata addresses are refused unless WEBHOOK_ALLOW allows them"`
	RunLimits
	JudgeInput
}

type runOutput struct {
	Location string `header:"Location"`
	Body     struct {
		ExecutionID string `json:"execution_id"`
		Status      string `json:"status" example:"QUEUED"`
	}
}

type submitInput struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"255" doc:"Repeating a request with the same key returns the same execution"`
	Body           submitBody
}

// submitBody is the run request of the original design document: its names (sessionId, code),
// and the run options of the native routes under their own names. It is its own schema, so a
// generated client sees one name per field.
type submitBody struct {
	SessionID   string      `json:"sessionId" maxLength:"64" doc:"The session to save the code to and run"`
	Language    *string     `json:"language,omitempty" maxLength:"64" doc:"Default: the session's language"`
	Code        *string     `json:"code,omitempty" doc:"Saved to the session, then run; default: the session's code"`
	Stdin       *string     `json:"stdin,omitempty"`
	Interactive bool        `json:"interactive,omitempty" doc:"Keep stdin open after stdin for input sent over the WebSocket while the program runs"`
	Args        []string    `json:"args,omitempty" nullable:"false" doc:"Program arguments: at most MAX_ARGS (64) of at most MAX_ARG_BYTES (4 KiB) each, MAX_ARGS_BYTES (64 KiB) together"`
	Files       []FileInput `json:"files,omitempty" nullable:"false" doc:"At most MAX_FILES (64). A multi-file program, instead of code; the first file is the entry point and is saved as the session's code"`
	CallbackURL *string     `json:"callback_url,omitempty" doc:"When the run ends, its result (this document of GET /executions/{id}) is POSTed here, signed (X-Livecode-Signature). http or https, at most 2048 bytes; private, loopback and metadata addresses are refused unless WEBHOOK_ALLOW allows them"`
	RunLimits
	JudgeInput
}

// submitOutput is the original design's answer: executionId and status, nothing else.
type submitOutput struct {
	Location string `header:"Location"`
	Body     struct {
		ExecutionID string `json:"executionId"`
		Status      string `json:"status" example:"QUEUED"`
	}
}

func (s *server) getExecution(ctx context.Context, in *executionPath) (*executionOutput, error) {
	if err := checkID("path.id", "execution", in.ID); err != nil {
		return nil, err
	}
	e, err := s.ownExecution(ctx, in.ID)
	if err != nil {
		return nil, atPath(err)
	}
	return &executionOutput{Body: viewExecution(e)}, nil
}

// deleteExecution deletes a finished execution and its output for its session's owner.
func (s *server) deleteExecution(ctx context.Context, in *executionPath) (*struct{}, error) {
	if err := checkID("path.id", "execution", in.ID); err != nil {
		return nil, err
	}
	if _, err := s.ownExecution(ctx, in.ID); err != nil {
		return nil, atPath(err)
	}
	if err := s.deps.Store.DeleteExecution(ctx, in.ID); err != nil {
		return nil, atPath(err)
	}
	return nil, nil
}

// listExecutions pages through a session's executions, newest first.
func (s *server) listExecutions(ctx context.Context, in *listExecutionsInput) (*listExecutionsOutput, error) {
	if err := checkID("path.id", "session", in.ID); err != nil {
		return nil, err
	}
	if _, err := s.ownSession(ctx, in.ID); err != nil {
		return nil, atPath(err)
	}
	page, next, err := s.deps.Store.ListExecutions(ctx, in.ID, in.Limit, in.Cursor)
	if err != nil {
		return nil, err
	}
	out := &listExecutionsOutput{}
	out.Body.Executions = make([]executionSummary, 0, len(page))
	for _, e := range page {
		out.Body.Executions = append(out.Body.Executions, summarize(e))
	}
	out.Body.NextCursor = nonEmpty(next)
	return out, nil
}

func (s *server) runSession(ctx context.Context, in *runInput) (*runOutput, error) {
	var b runBody
	if in.Body != nil {
		b = *in.Body
	}
	if err := checkID("path.id", "session", in.ID); err != nil {
		return nil, err
	}
	sess, err := s.ownSession(ctx, in.ID)
	if err != nil {
		return nil, atPath(err)
	}
	e, err := s.submit(ctx, runRequest{
		Endpoint: "run", SessionID: in.ID, Language: sess.Language, Code: sess.SourceCode,
		Stdin: b.Stdin, Interactive: b.Interactive, Args: b.Args, Files: b.Files, Limits: b.RunLimits, IdempotencyKey: in.IdempotencyKey,
		CallbackURL: b.CallbackURL, Judge: b.JudgeInput, languageField: "session.language",
	})
	if err != nil {
		return nil, err
	}
	out := &runOutput{Location: "/executions/" + e.ID}
	out.Body.ExecutionID, out.Body.Status = e.ID, string(e.Status)
	return out, nil
}

// submitExecution saves the code to the session, then queues a run of it.
func (s *server) submitExecution(ctx context.Context, in *submitInput) (*submitOutput, error) {
	b := in.Body
	if err := checkID("body.sessionId", "session", b.SessionID); err != nil {
		return nil, err
	}
	sess, err := s.ownSession(ctx, b.SessionID)
	if err != nil {
		return nil, notFoundAt(err, "body.sessionId")
	}
	code := b.Code
	if err := s.checkCode("body.code", code); err != nil {
		return nil, err
	}
	if code != nil && len(b.Files) > 0 {
		return nil, unprocessable("body.files", "give code or files, not both")
	}
	req := runRequest{Endpoint: "executions", SessionID: b.SessionID, Stdin: b.Stdin, Interactive: b.Interactive, Args: b.Args, Files: b.Files, Limits: b.RunLimits, Judge: b.JudgeInput,
		IdempotencyKey: in.IdempotencyKey, CallbackURL: b.CallbackURL, languageField: "body.language", givenLanguage: b.Language, givenCode: code}
	if code == nil || b.Language == nil {
		req.Language, req.Code = sess.Language, sess.SourceCode
	}
	if b.Language != nil {
		req.Language, req.SaveCode = *b.Language, true
	}
	if code != nil {
		req.Code, req.SaveCode = *code, true
	}
	if len(b.Files) > 0 {
		req.SaveCode = true // the entry point is the code (see submit)
	}
	e, err := s.submit(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &submitOutput{Location: "/executions/" + e.ID}
	out.Body.ExecutionID, out.Body.Status = e.ID, string(e.Status)
	return out, nil
}
