// The final "result" event of an execution, published once its terminal state is stored.

package worker

import (
	"context"
	"log/slog"
	"time"

	"livecode/internal/event"
	"livecode/internal/execution"
)

// Getter reads an execution from the record of truth; errors are those store.Store documents.
type Getter interface {
	GetExecution(ctx context.Context, id string) (execution.Execution, error)
}

// resultWait bounds publishing one result event, its retries included.
const resultWait = 10 * time.Second

// publishResult publishes execution id's final event through b, logging a failure: the
// database still has the result.
func publishResult(ctx context.Context, b Broker, s Getter, log *slog.Logger, id string) {
	if b == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), resultWait)
	defer cancel()
	if err := event.PublishResult(ctx, b, s, id); err != nil {
		log.Warn("result event not published; clients read it from the database", "execution_id", id, "err", err)
	}
}
