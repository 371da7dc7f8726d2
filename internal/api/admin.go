// Admin: the dead-letter set, listed and requeued by operators holding the admin token.

package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"livecode/internal/problem"
	"livecode/internal/queue"
	"livecode/internal/worker"
)

type adminAuth struct {
	Authorization string `header:"Authorization" hidden:"true"`
}

type requeueInput struct {
	Authorization string `header:"Authorization" hidden:"true"`
	ID            string `path:"id" maxLength:"256" doc:"Dead job id"`
}

type deadJobView struct {
	ID          string    `json:"id"`
	ExecutionID string    `json:"execution_id"`
	LastError   string    `json:"last_error"`
	FailedAt    time.Time `json:"failed_at"`
	Retried     int       `json:"retried"`
}

type deadJobsOutput struct {
	Body struct {
		Jobs []deadJobView `json:"jobs"`
	}
}

type requeueOutput struct {
	Body struct {
		ID       string `json:"id"`
		Requeued bool   `json:"requeued"`
	}
}

// authorize checks the bearer token in constant time (over hashes, so its length leaks neither).
func (s *server) authorize(header string) error {
	if !bearerIs(header, s.cfg.AdminToken) {
		return &problem.Error{Kind: problem.Unauthorized, Message: "a valid admin bearer token is required"}
	}
	return nil
}

// bearerIs reports, in constant time, whether an Authorization header is Bearer want.
func bearerIs(header, want string) bool {
	token, ok := strings.CutPrefix(header, "Bearer ")
	w := sha256.Sum256([]byte(want))
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return ok && subtle.ConstantTimeCompare(w[:], got[:]) == 1
}

func (s *server) deadJobs(ctx context.Context, in *adminAuth) (*deadJobsOutput, error) {
	if err := s.authorize(in.Authorization); err != nil {
		return nil, err
	}
	jobs, err := s.deps.Queue.Dead(ctx)
	if err != nil {
		return nil, queueError(err)
	}
	out := &deadJobsOutput{}
	out.Body.Jobs = make([]deadJobView, 0, len(jobs))
	for _, j := range jobs {
		out.Body.Jobs = append(out.Body.Jobs, deadJobView{ID: j.ID, ExecutionID: j.Job.ExecutionID,
			LastError: j.LastError, FailedAt: j.FailedAt.UTC(), Retried: j.Retried})
	}
	return out, nil
}

func (s *server) requeueJob(ctx context.Context, in *requeueInput) (*requeueOutput, error) {
	if err := s.authorize(in.Authorization); err != nil {
		return nil, err
	}
	if err := worker.Requeue(ctx, s.deps.Queue, s.deps.Store, in.ID); err != nil {
		return nil, queueError(err)
	}
	out := &requeueOutput{}
	out.Body.ID, out.Body.Requeued = in.ID, true
	return out, nil
}

// queueError classifies the queue's sentinel errors.
func queueError(err error) error {
	switch {
	case errors.Is(err, queue.ErrNotFound):
		return &problem.Error{Kind: problem.NotFound, Message: "no such dead job", Field: "path.id", Err: err}
	case errors.Is(err, queue.ErrUnavailable):
		return &problem.Error{Kind: problem.Unavailable, Message: "the queue is unavailable", Err: err}
	}
	return err
}
