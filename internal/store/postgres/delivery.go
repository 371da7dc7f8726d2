// Webhook deliveries on PostgreSQL: stored at admission, claimed (SKIP LOCKED) and recorded by single statements.

package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"livecode/internal/store"
	"livecode/internal/store/postgres/pgdb"
)

func (t admitTx) InsertDelivery(ctx context.Context, n store.NewExecution, owner string) error {
	return fail("insert delivery", t.q.InsertDelivery(ctx, pgdb.InsertDeliveryParams{ExecutionID: n.ID, Url: n.Webhook.URL,
		Format: n.Webhook.Format, Owner: owner, NextAttemptAt: ts(n.Now), CreatedAt: ts(n.Now)}))
}

// GetDelivery returns an execution's webhook delivery. Errors: NotFound, Unavailable.
func (s *Store) GetDelivery(ctx context.Context, executionID string) (store.Delivery, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	r, err := s.q.GetDelivery(ctx, executionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Delivery{}, store.ErrDeliveryNotFound(executionID)
	}
	return toDelivery(r), fail("get delivery", err)
}

// ClaimDeliveries takes due deliveries of terminal executions (see store.Store).
func (s *Store) ClaimDeliveries(ctx context.Context, c store.DeliveryClaim) ([]store.Delivery, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	p := pgdb.ClaimDeliveriesParams{ClaimedUntil: ts(c.Until), Now: tsp(c.Now), MaxRows: int32(c.Limit)}
	if c.ExecutionID != "" {
		p.ExecutionID = &c.ExecutionID
	}
	rows, err := s.q.ClaimDeliveries(ctx, p)
	if err != nil {
		return nil, fail("claim deliveries", err)
	}
	out := make([]store.Delivery, len(rows))
	for i, r := range rows {
		out[i] = toDelivery(r)
	}
	return out, nil
}

// RecordDelivery stores an attempt's outcome if it is still the delivery's latest (see store.Store).
func (s *Store) RecordDelivery(ctx context.Context, executionID string, attempt int, o store.DeliveryOutcome) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	p := pgdb.RecordDeliveryParams{State: string(o.State), LastError: o.Error, NextAttemptAt: ts(o.NextAttempt),
		ExecutionID: executionID, Attempts: int32(attempt)}
	if o.Status != nil {
		v := int32(*o.Status)
		p.LastStatus = &v
	}
	if o.State == store.DeliveryDelivered {
		p.DeliveredAt = tsp(o.Now)
	}
	if o.State != store.DeliveryPending {
		p.NextAttemptAt = ts(o.Now)
	}
	n, err := s.q.RecordDelivery(ctx, p)
	return n == 1, fail("record delivery", err)
}

func toDelivery(r pgdb.WebhookDelivery) store.Delivery {
	d := store.Delivery{ExecutionID: r.ExecutionID, URL: r.Url, Format: r.Format, Owner: r.Owner, State: store.DeliveryState(r.State),
		Attempts: int(r.Attempts), LastError: r.LastError, NextAttemptAt: r.NextAttemptAt.UTC(),
		LastAttemptAt: utcp(r.LastAttemptAt), DeliveredAt: utcp(r.DeliveredAt), CreatedAt: r.CreatedAt.UTC()}
	if r.LastStatus != nil {
		v := int(*r.LastStatus)
		d.LastStatus = &v
	}
	return d
}
