// Webhooks: a run's callback_url checked at admission, its delivery record, and the bodies delivered.

package api

import (
	"context"
	"encoding/json"
	"time"

	"livecode/internal/event"
	"livecode/internal/execution"
	"livecode/internal/problem"
	"livecode/internal/store"
	"livecode/internal/webhook"
)

// callback checks a run's callback_url at admission: the policy's bounds (webhook.CheckURL), and
// a secret to sign its deliveries with. nil when the run gives none (or an empty one, which
// Judge0 clients send for none).
func (s *server) callback(ctx context.Context, r runRequest) (*store.NewWebhook, error) {
	if r.CallbackURL == nil || *r.CallbackURL == "" {
		return nil, nil
	}
	if err := s.hooks.CheckURL(*r.CallbackURL); err != nil {
		return nil, unprocessable("body.callback_url", "callback_url %v", err)
	}
	if _, ok := s.secrets.For(ownerOf(ctx)); !ok {
		return nil, unprocessable("body.callback_url", "callback_url needs a secret to sign deliveries with, and this server has none (WEBHOOK_SECRET)")
	}
	format := webhook.FormatLivecode
	if r.Endpoint == "judge0" {
		format = webhook.FormatJudge0
	}
	return &store.NewWebhook{URL: *r.CallbackURL, Format: format}, nil
}

// deliveryView is a webhook delivery as its execution's owner reads it.
type deliveryView struct {
	URL            string              `json:"url"`
	State          store.DeliveryState `json:"state" enum:"pending,delivered,failed" doc:"pending until delivered, or failed once WEBHOOK_MAX_ATTEMPTS attempts failed"`
	Attempts       int                 `json:"attempts"`
	LastStatusCode *int                `json:"last_status_code" doc:"The receiver's HTTP status at the last attempt; null when it did not answer"`
	LastError      *string             `json:"last_error" doc:"Why the last attempt failed"`
	LastAttemptAt  *time.Time          `json:"last_attempt_at" nullable:"true"`
	NextAttemptAt  *time.Time          `json:"next_attempt_at" nullable:"true" doc:"When a pending delivery is tried (again), once its execution has ended"`
	DeliveredAt    *time.Time          `json:"delivered_at" nullable:"true"`
	CreatedAt      time.Time           `json:"created_at"`
}

type deliveriesOutput struct {
	Body struct {
		Deliveries []deliveryView `json:"deliveries" doc:"The execution's webhook delivery; empty when it was run without a callback_url"`
	}
}

// listDeliveries serves GET /executions/{id}/deliveries for the execution's owner.
func (s *server) listDeliveries(ctx context.Context, in *executionPath) (*deliveriesOutput, error) {
	if err := checkID("path.id", "execution", in.ID); err != nil {
		return nil, err
	}
	if _, err := s.ownExecution(ctx, in.ID); err != nil {
		return nil, atPath(err)
	}
	out := &deliveriesOutput{}
	out.Body.Deliveries = []deliveryView{}
	d, err := s.deps.Store.GetDelivery(ctx, in.ID)
	switch {
	case problem.KindOf(err) == problem.NotFound:
		return out, nil
	case err != nil:
		return nil, err
	}
	v := deliveryView{URL: d.URL, State: d.State, Attempts: d.Attempts, LastStatusCode: d.LastStatus,
		LastError: nonEmpty(d.LastError), LastAttemptAt: utcOf(d.LastAttemptAt), DeliveredAt: utcOf(d.DeliveredAt),
		CreatedAt: d.CreatedAt.UTC()}
	if d.State == store.DeliveryPending {
		next := d.NextAttemptAt.UTC()
		v.NextAttemptAt = &next
	}
	out.Body.Deliveries = append(out.Body.Deliveries, v)
	return out, nil
}

// WebhookBodies are the bodies of each delivery format: the document GET /executions/{id}
// answers (event.ResultJSON, of the same event.View), and Judge0's submission as Judge0 sends its callbacks (its default
// fields, Base64-encoded).
func WebhookBodies(langs Languages) map[string]webhook.Render {
	if langs == nil {
		langs = noLanguages{}
	}
	return map[string]webhook.Render{
		webhook.FormatLivecode: event.ResultJSON,
		webhook.FormatJudge0: func(e execution.Execution) ([]byte, error) {
			doc, err := judge0Render(langs, e, judge0LanguageFor(e), judge0Query{base64: true, fields: judge0DefaultFields})
			if err != nil {
				return nil, err
			}
			return json.Marshal(doc)
		},
	}
}

// utcOf is t in UTC; nil stays nil.
func utcOf(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
