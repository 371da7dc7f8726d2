// Batches: many one-call runs admitted in one request, each on its own; many executions read at once.

package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"livecode/internal/execution"
	"livecode/internal/problem"
)

type batchInput struct {
	Body struct {
		Runs []batchRun `json:"runs" minItems:"1" doc:"At most MAX_BATCH (20) runs, each as POST /run takes it (wait_ms excepted)"`
	}
}

// batchRun is a run of a batch: POST /run's body, without waiting.
type batchRun struct {
	Language    string      `json:"language" maxLength:"64"`
	Code        *string     `json:"code,omitempty"`
	Files       []FileInput `json:"files,omitempty" nullable:"false"`
	Stdin       *string     `json:"stdin,omitempty"`
	Args        []string    `json:"args,omitempty" nullable:"false"`
	CallbackURL *string     `json:"callback_url,omitempty" doc:"As POST /run's"`
	RunLimits
	JudgeInput
}

// batchItem is one run's answer: the admitted execution, or the problem that refused it.
type batchItem struct {
	ExecutionID string      `json:"execution_id,omitempty"`
	Status      string      `json:"status,omitempty" example:"QUEUED"`
	Problem     *problemDoc `json:"problem,omitempty" doc:"Why this run was refused (RFC 9457); its locations name body.runs[i]"`
}

type batchOutput struct {
	Body struct {
		Runs []batchItem `json:"runs"`
	}
}

type readManyInput struct {
	IDs string `query:"ids" required:"true" doc:"Execution ids, comma-separated; at most MAX_BATCH (20)"`
}

type readManyOutput struct {
	Body struct {
		Executions []*executionView `json:"executions" doc:"In the order asked; null for an id that names none of the caller's"`
	}
}

// runBatch serves POST /runs/batch: each run is admitted or refused on its own, in order, so
// quotas apply per run; the answer lists them in the order given.
func (s *server) runBatch(ctx context.Context, in *batchInput) (*batchOutput, error) {
	runs := in.Body.Runs
	if len(runs) > s.cfg.MaxBatch {
		return nil, unprocessable("body.runs", "at most %d runs (MAX_BATCH), not %d", s.cfg.MaxBatch, len(runs))
	}
	out := &batchOutput{}
	out.Body.Runs = make([]batchItem, len(runs))
	for i, r := range runs {
		e, err := s.batchRun(ctx, r)
		if err != nil {
			out.Body.Runs[i] = batchItem{Problem: s.itemProblem(ctx, i, err)}
			continue
		}
		out.Body.Runs[i] = batchItem{ExecutionID: e.ID, Status: string(e.Status)}
	}
	return out, nil
}

// batchRun admits one run of a batch, as POST /run with wait_ms 0 would.
func (s *server) batchRun(ctx context.Context, r batchRun) (execution.Execution, error) {
	req, err := s.oneCall(runOnceBody{Language: r.Language, Code: r.Code, Files: r.Files, Stdin: r.Stdin, Args: r.Args, CallbackURL: r.CallbackURL, RunLimits: r.RunLimits, JudgeInput: r.JudgeInput})
	if err != nil {
		return execution.Execution{}, err
	}
	return s.submit(ctx, req)
}

// itemProblem is the problem of the batch's run i, its locations under body.runs[i].
func (s *server) itemProblem(ctx context.Context, i int, err error) *problemDoc {
	var p *problemDoc
	if !errors.As(s.toHTTP(ctx, "run-batch", err), &p) {
		return newProblem(http.StatusInternalServerError, "internal error")
	}
	for _, d := range p.Errors {
		d.Location = fmt.Sprintf("body.runs[%d].", i) + strings.TrimPrefix(d.Location, "body.")
	}
	return p
}

// readMany serves GET /executions?ids=…: many executions in one read each, in the order asked.
func (s *server) readMany(ctx context.Context, in *readManyInput) (*readManyOutput, error) {
	ids := strings.Split(in.IDs, ",")
	if len(ids) > s.cfg.MaxBatch {
		return nil, unprocessable("query.ids", "at most %d ids (MAX_BATCH), not %d", s.cfg.MaxBatch, len(ids))
	}
	out := &readManyOutput{}
	out.Body.Executions = make([]*executionView, len(ids))
	for i, id := range ids {
		if checkID("query.ids", "execution", id) != nil {
			continue
		}
		e, err := s.ownExecution(ctx, id)
		switch {
		case err == nil:
			v := viewExecution(e)
			out.Body.Executions[i] = &v
		case problem.KindOf(err) != problem.NotFound:
			return nil, err
		}
	}
	return out, nil
}
