// Webhook deliveries on SQLite: stored at admission, claimed and recorded by single statements.

package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"livecode/internal/store"
	"livecode/internal/store/sqlite/sqlitedb"
)

func (t admitTx) InsertDelivery(ctx context.Context, n store.NewExecution, owner string) error {
	return fail("insert delivery", t.q.InsertDelivery(ctx, sqlitedb.InsertDeliveryParams{ExecutionID: n.ID, Url: n.Webhook.URL,
		Format: n.Webhook.Format, Owner: owner, NextAttemptAt: ms(n.Now), CreatedAt: ms(n.Now)}))
}

// GetDelivery returns an execution's webhook delivery. Errors: NotFound.
func (s *Store) GetDelivery(ctx context.Context, executionID string) (store.Delivery, error) {
	r, err := s.rq.GetDelivery(ctx, executionID)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Delivery{}, store.ErrDeliveryNotFound(executionID)
	}
	return toDelivery(r), fail("get delivery", err)
}

// ClaimDeliveries takes due deliveries of terminal executions (see store.Store).
func (s *Store) ClaimDeliveries(ctx context.Context, c store.DeliveryClaim) ([]store.Delivery, error) {
	p := sqlitedb.ClaimDeliveriesParams{ClaimedUntil: ms(c.Until), Now: msp(c.Now), MaxRows: int64(c.Limit)}
	if c.ExecutionID != "" {
		p.ExecutionID = c.ExecutionID
	}
	rows, err := s.wq.ClaimDeliveries(ctx, p)
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
	p := sqlitedb.RecordDeliveryParams{State: string(o.State), LastError: o.Error, NextAttemptAt: ms(o.NextAttempt),
		ExecutionID: executionID, Attempts: int64(attempt)}
	if o.Status != nil {
		v := int64(*o.Status)
		p.LastStatus = &v
	}
	if o.State == store.DeliveryDelivered {
		p.DeliveredAt = msp(o.Now)
	}
	if o.State != store.DeliveryPending {
		p.NextAttemptAt = ms(o.Now)
	}
	n, err := s.wq.RecordDelivery(ctx, p)
	return n == 1, fail("record delivery", err)
}

func toDelivery(r sqlitedb.WebhookDelivery) store.Delivery {
	d := store.Delivery{ExecutionID: r.ExecutionID, URL: r.Url, Format: r.Format, Owner: r.Owner, State: store.DeliveryState(r.State),
		Attempts: int(r.Attempts), LastError: r.LastError, NextAttemptAt: fromMS(r.NextAttemptAt),
		LastAttemptAt: fromMSP(r.LastAttemptAt), DeliveredAt: fromMSP(r.DeliveredAt), CreatedAt: fromMS(r.CreatedAt)}
	if r.LastStatus != nil {
		v := int(*r.LastStatus)
		d.LastStatus = &v
	}
	return d
}
