// The default of every setting, stated once: in code, taking the constants of the package
// that also falls back to it when used alone.

package config

import (
	"time"

	"livecode/internal/compilecache"
	"livecode/internal/queue"
	"livecode/internal/queue/redisqueue"
	"livecode/internal/sandbox"
	"livecode/internal/worker"
)

// Default returns the configuration of an empty environment: every variable at its default.
// Load starts from it, so a variable that is unset (or empty) keeps the value given here.
//
// An explicit 0 is not "the default": it is taken as written, and Load refuses it unless the
// field's comment gives 0 a meaning (WORKERS: the number of CPUs; PORT: any free port; the
// per-session and per-key limits: unlimited; the retention ages and IDEMPOTENCY_TTL: kept
// forever).
func Default() Config {
	limits, compile := sandbox.DefaultLimits(), sandbox.DefaultCompileLimits()
	return Config{
		Port:        3000,
		DatabaseURL: "sqlite:./data/livecode.db",
		LogLevel:    "info",
		LogFormat:   "text",

		RedisPort:     6379,
		QueueName:     redisqueue.DefaultName,
		QueueCapacity: queue.DefaultCapacity,
		QueueTimeout:  queue.DefaultTimeout,
		QueuePoll:     redisqueue.DefaultPollInterval,
		MaxAttempts:   queue.DefaultMaxAttempts,
		LeaseDuration: worker.DefaultLease,
		ReapInterval:  worker.DefaultReapInterval,
		RequeueAfter:  worker.DefaultQueuedGrace,
		ShutdownGrace: 50 * time.Second,

		MaxBodyBytes:  1 << 20,
		MaxCodeBytes:  256 << 10,
		MaxStdinBytes: 256 << 10,
		MaxArgs:       64,
		MaxArgBytes:   4 << 10,
		MaxArgsBytes:  64 << 10,
		MaxFiles:      64,

		MaxActivePerSession: 1,
		RunRateLimit:        10,
		RunRateWindow:       time.Minute,
		IdempotencyTTL:      24 * time.Hour,
		MaxWaitMS:           30000,
		MaxBatch:            20,
		MaxTests:            100,
		MaxTestsBytes:       1 << 20,
		MaxJudgeTimeMS:      int(worker.DefaultJudgeTime / time.Millisecond),

		RetentionExecutions: 30 * 24 * time.Hour,
		RetentionSessions:   30 * 24 * time.Hour,
		RetentionInterval:   time.Minute,
		RetentionBatch:      200,

		TimeLimitMS:         limits.TimeLimitMS,
		MaxTimeLimitMS:      30000,
		MemoryLimitMB:       limits.MemoryLimitMB,
		MaxMemoryLimitMB:    1024,
		MaxProcesses:        limits.MaxProcesses,
		MaxMaxProcesses:     256,
		OutputLimitBytes:    limits.OutputLimitBytes,
		MaxOutputLimitBytes: 8 << 20,

		Sandbox:      sandbox.DefaultLevel,
		SandboxUID:   sandbox.DefaultUIDBase,
		WorkDir:      "/var/lib/livecode/runs",
		CgroupParent: "livecode-runs",

		CompileCacheDir:           "/var/cache/livecode/compile",
		CompileCacheMaxBytes:      compilecache.DefaultMaxBytes,
		CompileCacheMaxEntries:    compilecache.DefaultMaxEntries,
		CompileCacheMaxEntryBytes: compilecache.DefaultMaxEntryBytes,
		CompileCacheMaxEntryFiles: compilecache.DefaultMaxEntryFiles,
		CompileTimeLimitMS:        compile.TimeLimitMS,

		SwaggerEnable:      true,
		QuotaRunRateWindow: time.Hour,

		WebhookMaxAttempts: 8,
		WebhookTimeout:     10 * time.Second,
		WebhookBackoff:     5 * time.Second,
		WebhookInterval:    time.Second,
		WebhookConcurrency: 16,
	}
}
