// Webhook deliveries: the record of each execution's callback and how its delivery goes.

package store

import (
	"fmt"
	"time"

	"livecode/internal/problem"
)

// DeliveryState is where a delivery stands: pending until delivered or out of attempts.
type DeliveryState string

// The states of a delivery.
const (
	DeliveryPending   DeliveryState = "pending"
	DeliveryDelivered DeliveryState = "delivered"
	DeliveryFailed    DeliveryState = "failed" // every attempt failed; never tried again
)

// NewWebhook is a run's callback, stored with its execution at admission.
type NewWebhook struct {
	URL    string
	Format string // the body's shape: "livecode" or "judge0"
}

// Delivery is an execution's callback and the state of its delivery.
type Delivery struct {
	ExecutionID   string
	URL           string
	Format        string
	Owner         string // the execution's owner, whose secret signs it
	State         DeliveryState
	Attempts      int        // attempts started; a claim starts one
	LastStatus    *int       // the receiver's HTTP status at the last attempt; nil when it did not answer
	LastError     string     // why the last attempt failed; empty once delivered
	NextAttemptAt time.Time  // when a pending delivery is due (once its execution is terminal)
	LastAttemptAt *time.Time // nil before the first attempt
	DeliveredAt   *time.Time
	CreatedAt     time.Time
}

// DeliveryClaim selects the deliveries ClaimDeliveries takes: pending, due at Now, not claimed
// by anyone at Now, of a terminal execution; only ExecutionID's when it is set.
type DeliveryClaim struct {
	ExecutionID string
	Now         time.Time
	Until       time.Time // the claim's end: past it another process may take the delivery
	Limit       int
}

// DeliveryOutcome is what an attempt found, recorded by RecordDelivery.
type DeliveryOutcome struct {
	State       DeliveryState
	Status      *int
	Error       string
	Now         time.Time
	NextAttempt time.Time // when State is pending
}

// ErrDeliveryNotFound returns the NotFound error of an execution without a webhook delivery.
func ErrDeliveryNotFound(executionID string) *problem.Error {
	return &problem.Error{Kind: problem.NotFound, Message: fmt.Sprintf("execution %s has no webhook delivery", executionID), Field: "execution_id"}
}
