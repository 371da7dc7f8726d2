// Package store is the record of truth for sessions and executions; sqlite and postgres implement it.

package store

import (
	"context"
	"time"

	"livecode/internal/execution"
	"livecode/internal/session"
)

// Store persists sessions and executions. Every state change of an execution is a single
// conditional statement, so concurrent workers and API servers can never move a state
// backwards or change a terminal execution.
//
// Errors: lookups of unknown ids return a *problem.Error of kind NotFound; refusals described
// on each method return *problem.Error of the kind named there; anything else is infrastructure
// trouble (kind Internal).
type Store interface {
	// CreateSession stores a new ACTIVE session. ID, CreatedAt and UpdatedAt must be set.
	CreateSession(ctx context.Context, s session.Session) error
	// GetSession returns a session, NotFound if unknown.
	GetSession(ctx context.Context, id string) (session.Session, error)
	// UpdateSession applies an autosave. NotFound if unknown, Conflict if CLOSED.
	UpdateSession(ctx context.Context, id string, p SessionPatch) (session.Session, error)
	// CloseSession marks a session CLOSED (idempotent). NotFound if unknown.
	CloseSession(ctx context.Context, id string, now time.Time) (session.Session, error)
	// ListSessions returns a page of one owner's sessions, newest first, that pass the filter.
	// next is empty on the last page. Invalid for a malformed cursor.
	ListSessions(ctx context.Context, f SessionFilter) (page []session.Session, next string, err error)

	// CreateExecution admits and stores a QUEUED execution in one transaction: the session must
	// exist (NotFound) and be ACTIVE (Conflict); when SaveCode is set the session's language and
	// code are updated first; the admission rules are checked (Conflict with Ref = the active
	// execution's id; RateLimited with RetryAfter), then the owner's quotas (RateLimited); and an idempotency key, when given, returns the
	// execution first created with it (created=false) or Unprocessable if its request hash differs.
	CreateExecution(ctx context.Context, n NewExecution) (e execution.Execution, created bool, err error)
	// GetExecution returns an execution, NotFound if unknown.
	GetExecution(ctx context.Context, id string) (execution.Execution, error)
	// ListExecutions returns a session's executions newest first. Before, when non-empty, is the
	// cursor returned by a previous page. next is empty on the last page.
	ListExecutions(ctx context.Context, sessionID string, limit int, before string) (page []execution.Execution, next string, err error)
	// LatestExecution returns the session's newest execution, NotFound if it has none.
	LatestExecution(ctx context.Context, sessionID string) (execution.Execution, error)

	// DeleteExecution removes a finished execution, its output and its idempotency keys.
	// NotFound if unknown, Conflict while it is QUEUED or RUNNING.
	DeleteExecution(ctx context.Context, id string) error
	// PurgeSession removes a session and all its executions, batch executions per statement.
	// NotFound if unknown, Conflict while one of its executions is QUEUED or RUNNING.
	PurgeSession(ctx context.Context, id string, batch int) error
	// Purge deletes one batch, at most limit rows, of each kind of data e expires (see
	// store.Purge) and returns how many rows it deleted; each statement is short.
	Purge(ctx context.Context, e Expiry, limit int) (int, error)

	// Claim moves an execution to RUNNING for workerID, or takes over a RUNNING one whose lease
	// expired, incrementing Attempts and setting the lease to now+lease. ok is false, with no
	// error, when the execution is terminal, held by a live lease, or unknown.
	Claim(ctx context.Context, id, workerID string, now time.Time, lease time.Duration) (e execution.Execution, ok bool, err error)
	// RenewLease extends the lease the holder (workerID, attempt) still has; false if lost.
	RenewLease(ctx context.Context, id, workerID string, attempt int, now time.Time, lease time.Duration) (bool, error)
	// ReleaseLease expires the holder's lease at once so a retry can claim it again.
	ReleaseLease(ctx context.Context, id, workerID string, attempt int, now time.Time) error
	// Finish stores the terminal result if the holder (workerID, attempt) still holds the
	// execution; false, with no error, if it does not (the result is then discarded).
	Finish(ctx context.Context, id, workerID string, attempt int, r execution.Result, now time.Time) (bool, error)
	// Abort ends a non-terminal execution, whoever holds it, with the given terminal status and
	// reason (cancel, refused enqueue, attempts exhausted). False if it was already terminal.
	Abort(ctx context.Context, id string, status execution.Status, reason execution.Reason, now time.Time) (bool, error)

	// Orphans lists executions that need a job again: QUEUED since before queuedBefore, and
	// RUNNING with a lease expired at now. At most limit, oldest first.
	Orphans(ctx context.Context, now, queuedBefore time.Time, limit int) ([]Orphan, error)
	// ExpireLeases expires every RUNNING lease (used at start in the embedded mode, where no
	// other process can hold one). Returns how many.
	ExpireLeases(ctx context.Context, now time.Time) (int, error)

	// GetDelivery returns the webhook delivery of an execution, NotFound if it has none.
	GetDelivery(ctx context.Context, executionID string) (Delivery, error)
	// ClaimDeliveries takes at most c.Limit deliveries that c selects (see DeliveryClaim),
	// starting an attempt of each (Attempts+1) and holding them until c.Until, in one
	// conditional statement, so that two processes never take the same delivery.
	ClaimDeliveries(ctx context.Context, c DeliveryClaim) ([]Delivery, error)
	// RecordDelivery stores the outcome of the attempt the claim of attempt started and
	// releases the claim; false, with no error, when that attempt is no longer the delivery's
	// latest (another process claimed it since) or the delivery is no longer pending.
	RecordDelivery(ctx context.Context, executionID string, attempt int, o DeliveryOutcome) (bool, error)

	// Ping checks the database is reachable.
	Ping(ctx context.Context) error
	// Close releases the store's connections.
	Close() error
}

// SessionPatch is an autosave: nil fields are left as they are.
type SessionPatch struct {
	Language   *string
	SourceCode *string
	Now        time.Time
	Owner      *string // when set, another owner's session is left alone and NotFound
}

// SessionFilter selects the sessions ListSessions returns.
type SessionFilter struct {
	Owner    string         // only this owner's sessions ("" when authentication is off)
	Status   session.Status // "" for any
	Language string         // "" for any
	Limit    int            // page size; 0 means DefaultPageSize
	Before   string         // the next cursor of the previous page; "" for the first page
}

// NewExecution is a run request after validation.
type NewExecution struct {
	ID        string
	SessionID string
	Language  string
	Code      string
	Files     []execution.File
	Stdin     string
	Args      []string
	Limits    execution.Limits
	Now       time.Time
	// Interactive keeps the program's stdin open for input sent while it runs.
	Interactive bool
	// ExpectedOutput is stored for judging the run's output; nil stores none.
	ExpectedOutput *string
	// Judge, when set, is what the run is judged against: its tests and how.
	Judge *execution.Judge
	// Encoding is how answers write the run's output; empty means UTF-8 text.
	Encoding execution.Encoding

	// SaveCode also stores Language and Code on the session (POST /executions).
	SaveCode bool
	// NewSession, when set, is created in the same transaction as the execution, and only if it
	// is admitted: a one-call run (POST /run) has a session of its own that nothing else uses.
	// Its ID must be SessionID. An idempotent replay creates nothing.
	NewSession *session.Session

	// MaxActive bounds the session's QUEUED+RUNNING executions; 0 means unlimited.
	MaxActive int
	// RateLimit bounds executions created per session within RateWindow; 0 means unlimited.
	RateLimit  int
	RateWindow time.Duration

	// OwnerMaxActive bounds the QUEUED+RUNNING executions across all sessions of the session's
	// owner; OwnerRateLimit bounds the runs the owner creates within OwnerRateWindow. Both apply
	// only to sessions with an owner; 0 means unlimited. Past either, RateLimited.
	OwnerMaxActive  int
	OwnerRateLimit  int
	OwnerRateWindow time.Duration

	// Webhook, when set, is stored with the execution: its result is delivered there.
	Webhook *NewWebhook

	// IdempotencyKey, when non-empty, makes the request idempotent for IdempotencyTTL.
	IdempotencyKey string
	RequestHash    string
	IdempotencyTTL time.Duration
}

// Orphan is an execution that needs a job again.
type Orphan struct {
	ID       string
	Status   execution.Status
	Attempts int
}
