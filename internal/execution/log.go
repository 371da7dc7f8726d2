// The one log line of each lifecycle transition.

package execution

import (
	"context"
	"log/slog"
	"time"
)

// LogTransition writes the log line of an execution entering status at at, with reason when it
// ended for one; log carries the execution's ids, attrs what the transition knows besides.
func LogTransition(ctx context.Context, log *slog.Logger, status Status, reason Reason, at time.Time, attrs ...slog.Attr) {
	line := make([]slog.Attr, 0, 3+len(attrs))
	line = append(line, slog.String("status", string(status)))
	if reason != "" {
		line = append(line, slog.String("reason", string(reason)))
	}
	line = append(line, slog.Time("at", at))
	log.LogAttrs(ctx, slog.LevelInfo, "execution transition", append(line, attrs...)...)
}
