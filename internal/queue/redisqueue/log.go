// asynq's log messages, sent to slog and thinned out during Redis outages.

package redisqueue

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// logger adapts asynq.Logger to slog. While Redis is down asynq's loops fail every poll
// interval, so warnings and errors are limited to a few per 10 s; the number dropped is
// reported on the next line let through.
type logger struct {
	l       *slog.Logger
	limit   *rate.Limiter
	dropped atomic.Int64
}

func newLogger(l *slog.Logger) *logger {
	return &logger{l: l, limit: rate.NewLimiter(rate.Every(10*time.Second), 3)}
}

func (a *logger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a *logger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a *logger) Warn(args ...any)  { a.log(slog.LevelWarn, args) }
func (a *logger) Error(args ...any) { a.log(slog.LevelError, args) }

// Fatal logs at error level: asynq never calls it, and a queue must not exit the process.
func (a *logger) Fatal(args ...any) { a.log(slog.LevelError, args) }

func (a *logger) log(level slog.Level, args []any) {
	if !a.limit.Allow() {
		a.dropped.Add(1)
		return
	}
	if n := a.dropped.Swap(0); n > 0 {
		a.l.Log(context.Background(), level, fmt.Sprint(args...), "similar_messages_dropped", n)
		return
	}
	a.l.Log(context.Background(), level, fmt.Sprint(args...)) // asynq passes no context
}
