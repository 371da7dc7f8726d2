// Package config reads livecode's settings from the environment and an optional .env file.

package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"livecode/internal/execution"
)

// Config is every setting of livecode. Each field is one environment variable; the README's
// configuration table lists them all, and Default gives their defaults.
type Config struct {
	Port        int    `env:"PORT"` // 0: any free port
	DatabaseURL string `env:"DATABASE_URL"`
	Workers     int    `env:"WORKERS"` // 0 means the number of CPUs
	LogLevel    string `env:"LOG_LEVEL"`
	LogFormat   string `env:"LOG_FORMAT"` // text or json

	// Queue: REDIS_URL, or the original design's REDIS_HOST/PORT/PASSWORD/TLS, selects Redis.
	RedisURL      string        `env:"REDIS_URL"`
	RedisHost     string        `env:"REDIS_HOST"`
	RedisPort     int           `env:"REDIS_PORT"`
	RedisPassword string        `env:"REDIS_PASSWORD"`
	RedisTLS      bool          `env:"REDIS_TLS"`
	QueueName     string        `env:"EXECUTION_QUEUE_NAME"`
	QueueCapacity int           `env:"QUEUE_CAPACITY"`      // backlog bound: past it runs get 503
	QueueTimeout  time.Duration `env:"QUEUE_TIMEOUT"`       // bound on an enqueue when the backend is slow or down
	QueuePoll     time.Duration `env:"QUEUE_POLL_INTERVAL"` // an idle Redis worker's longest wait for a wake-up, and how often due retries are moved to pending
	MaxAttempts   int           `env:"MAX_ATTEMPTS"`        // infrastructure attempts per execution
	LeaseDuration time.Duration `env:"LEASE_DURATION"`
	ReapInterval  time.Duration `env:"REAP_INTERVAL"`
	RequeueAfter  time.Duration `env:"REQUEUE_AFTER"` // a QUEUED execution older than this gets its job again (the queue may have lost it)
	ShutdownGrace time.Duration `env:"SHUTDOWN_GRACE"`

	// HTTP input limits.
	MaxBodyBytes  int `env:"MAX_BODY_BYTES"` // 1 MiB
	MaxCodeBytes  int `env:"MAX_CODE_BYTES"` // 256 KiB
	MaxStdinBytes int `env:"MAX_STDIN_BYTES"`
	// A run's arguments: well under Linux's 128 KiB per argument (MAX_ARG_STRLEN), so that the
	// sandbox's own command line always fits beside them.
	MaxArgs      int `env:"MAX_ARGS"`
	MaxArgBytes  int `env:"MAX_ARG_BYTES"`  // 4 KiB per argument
	MaxArgsBytes int `env:"MAX_ARGS_BYTES"` // 64 KiB all together
	MaxFiles     int `env:"MAX_FILES"`      // files of a multi-file run; their contents count against MAX_CODE_BYTES

	// Abuse protection.
	MaxActivePerSession int           `env:"MAX_ACTIVE_PER_SESSION"` // 0 = unlimited
	RunRateLimit        int           `env:"RUN_RATE_LIMIT"`         // runs per window per session; 0 = unlimited
	RunRateWindow       time.Duration `env:"RUN_RATE_WINDOW"`
	IdempotencyTTL      time.Duration `env:"IDEMPOTENCY_TTL"` // also when expired keys are purged; 0 = kept forever
	// The longest a one-call run (POST /run's wait_ms, Judge0's wait, Piston's execute) holds
	// its request open for the result; past it the client gets the execution id to poll.
	MaxWaitMS int `env:"MAX_WAIT_MS"`
	MaxBatch  int `env:"MAX_BATCH"` // runs of one batch request (POST /runs/batch, Judge0's batches)
	// A judged run's test cases: how many, their inputs, expected outputs and arguments
	// together (decoded bytes), and the wall-clock bound of all its tests together, compile
	// included, beside each test's own time limit (SHUTDOWN_GRACE must cover it).
	MaxTests       int `env:"MAX_TESTS"`
	MaxTestsBytes  int `env:"MAX_TESTS_BYTES"` // 1 MiB
	MaxJudgeTimeMS int `env:"MAX_JUDGE_TIME_MS"`

	// Retention: how long data is kept, 0 keeps it forever; purged every RetentionInterval,
	// RetentionBatch rows per statement.
	RetentionExecutions time.Duration `env:"RETENTION_EXECUTIONS"` // finished executions and their output, from their end
	RetentionSessions   time.Duration `env:"RETENTION_SESSIONS"`   // CLOSED sessions with all their executions, from their close
	RetentionInterval   time.Duration `env:"RETENTION_INTERVAL"`
	RetentionBatch      int           `env:"RETENTION_BATCH"`

	// Run limits: defaults applied when a request names none, and the maximums a request may ask.
	TimeLimitMS         int `env:"TIME_LIMIT_MS"`
	MaxTimeLimitMS      int `env:"MAX_TIME_LIMIT_MS"`
	MemoryLimitMB       int `env:"MEMORY_LIMIT_MB"`
	MaxMemoryLimitMB    int `env:"MAX_MEMORY_LIMIT_MB"`
	MaxProcesses        int `env:"MAX_PROCESSES"`
	MaxMaxProcesses     int `env:"MAX_MAX_PROCESSES"`
	OutputLimitBytes    int `env:"OUTPUT_LIMIT_BYTES"`
	MaxOutputLimitBytes int `env:"MAX_OUTPUT_LIMIT_BYTES"`

	// Sandbox.
	Sandbox      string `env:"SANDBOX"`          // bwrap or gvisor
	SandboxUID   int    `env:"SANDBOX_UID_BASE"` // runs use uids from here up, one per slot
	LanguagesDir string `env:"LANGUAGES_DIR"`    // extra or overriding language definitions
	// Where runs live on the host: each process makes an instance level below both, named at
	// random and locked while it lives, so a later start sweeps only the leftovers of the dead.
	WorkDir      string `env:"WORK_DIR"`      // per-run tmpfs mounts; its parents must be searchable by the sandbox uids
	CgroupParent string `env:"CGROUP_PARENT"` // relative to livecode's own cgroup unless it starts with /
	// CgroupFavorDynMods remounts the host's cgroup2 hierarchy with favordynmods, a host-wide
	// change that makes each run's cgroup join cheaper.
	CgroupFavorDynMods bool `env:"CGROUP_FAVOR_DYNMODS"`
	// WarmJails prepares each slot's next jail when its run ends (bubblewrap level only), so that
	// the next run of the same language and arguments skips the jail's setup. Off by default: on
	// the cgroup v2 suite's slow kernel, runs of mixed languages time out with it on (README).
	WarmJails bool `env:"WARM_JAILS"`

	// Compile cache, shared by the worker processes of a host.
	CompileCacheDir      string `env:"COMPILE_CACHE_DIR"`
	CompileCacheMaxBytes int64  `env:"COMPILE_CACHE_MAX_BYTES"` // 1 GiB
	// One entry's bounds: by default what a run's work dir can hold (64 MiB, 4096 inodes), so
	// that any entry fits a run that copies it (gVisor); larger build output runs uncached.
	CompileCacheMaxEntries    int   `env:"COMPILE_CACHE_MAX_ENTRIES"`
	CompileCacheMaxEntryBytes int64 `env:"COMPILE_CACHE_MAX_ENTRY_BYTES"`
	CompileCacheMaxEntryFiles int   `env:"COMPILE_CACHE_MAX_ENTRY_FILES"`
	// A compile's time limit, which also bounds a run's wait for an identical compile.
	CompileTimeLimitMS int `env:"COMPILE_TIME_LIMIT_MS"`

	// Operators.
	AdminToken    string `env:"ADMIN_TOKEN"`    // enables /admin/* when set
	SwaggerEnable bool   `env:"SWAGGER_ENABLE"` // serve Swagger UI at /api
	// Browser apps on these origins may call the API (CORS) and open its WebSockets; see Origins.
	CORSOrigins  string `env:"CORS_ORIGINS"`
	MetricsToken string `env:"METRICS_TOKEN"` // /metrics requires Bearer <token> when set
	// OpenTelemetry traces go to this OTLP/HTTP endpoint (e.g. http://collector:4318); empty: no tracing.
	OTelEndpoint string `env:"OTEL_EXPORTER_OTLP_ENDPOINT"`

	// Authentication and per-key quotas (the quotas apply only when API_KEYS is set).
	APIKeys            string        `env:"API_KEYS"`             // name:secret,name:secret; empty = no authentication
	QuotaMaxActive     int           `env:"QUOTA_MAX_ACTIVE"`     // QUEUED+RUNNING executions per key; 0 = unlimited
	QuotaRunRateLimit  int           `env:"QUOTA_RUN_RATE_LIMIT"` // runs per window per key; 0 = unlimited
	QuotaRunRateWindow time.Duration `env:"QUOTA_RUN_RATE_WINDOW"`

	// Keys is API_KEYS parsed, once, by Load.
	Keys []APIKey `env:"-"`

	// Webhooks: a run's callback_url gets its result, signed, retried with a backoff doubling
	// from WebhookBackoff up to WebhookMaxAttempts attempts of at most WebhookTimeout each.
	WebhookSecret      string        `env:"WEBHOOK_SECRET"` // signs callbacks when API_KEYS is empty (with keys, each key's own secret does)
	WebhookAllow       string        `env:"WEBHOOK_ALLOW"`  // hosts and CIDRs callbacks may reach although private; see WebhookTargets
	WebhookMaxAttempts int           `env:"WEBHOOK_MAX_ATTEMPTS"`
	WebhookTimeout     time.Duration `env:"WEBHOOK_TIMEOUT"`
	WebhookBackoff     time.Duration `env:"WEBHOOK_BACKOFF"`
	WebhookInterval    time.Duration `env:"WEBHOOK_SWEEP_INTERVAL"` // how often due retries are looked for
	WebhookConcurrency int           `env:"WEBHOOK_CONCURRENCY"`    // deliveries in flight per process
}

// APIKey is one client's credential: requests bearing Secret act as Name.
type APIKey struct {
	Name   string
	Secret string
}

// minSecretLen is the shortest secret API_KEYS accepts.
const minSecretLen = 16

// parseKeys parses API_KEYS: comma-separated name:secret pairs, names of [a-z0-9_-], secrets of at
// least 16 characters without spaces, no name or secret twice. Empty means no authentication.
// It returns an error naming the first bad entry (never its secret).
func (c Config) parseKeys() ([]APIKey, error) {
	if strings.TrimSpace(c.APIKeys) == "" {
		return nil, nil
	}
	var keys []APIKey
	names, secrets := map[string]bool{}, map[string]bool{}
	for i, pair := range strings.Split(c.APIKeys, ",") {
		name, secret, ok := strings.Cut(strings.TrimSpace(pair), ":")
		switch {
		case !ok || name == "":
			return nil, fmt.Errorf("config: API_KEYS entry %d is not name:secret", i+1)
		case strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "":
			return nil, fmt.Errorf("config: API_KEYS name %q may only use a-z, 0-9, _ and -", name)
		case len(secret) < minSecretLen || strings.ContainsAny(secret, " \t\r\n"):
			return nil, fmt.Errorf("config: API_KEYS secret of %q must be at least %d characters without spaces", name, minSecretLen)
		case names[name]:
			return nil, fmt.Errorf("config: API_KEYS names %q twice", name)
		case secrets[secret]:
			return nil, fmt.Errorf("config: API_KEYS gives %q a secret another key has", name)
		}
		names[name], secrets[secret] = true, true
		keys = append(keys, APIKey{Name: name, Secret: secret})
	}
	return keys, nil
}

// Origins parses CORS_ORIGINS: comma-separated exact origins, scheme://host[:port] with scheme
// http or https and nothing after the host. Empty means none: only pages served by livecode
// itself (the playground) may call the API from a browser. It returns an error naming the
// first bad entry.
func (c Config) Origins() ([]string, error) {
	var origins []string
	for _, o := range strings.Split(c.CORSOrigins, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(o, "*?[]\\") {
			return nil, fmt.Errorf("config: CORS_ORIGINS entry %q is not an origin like https://app.example.com", o)
		}
		origins = append(origins, strings.ToLower(o))
	}
	return origins, nil
}

// WebhookTargets parses WEBHOOK_ALLOW: comma-separated CIDRs (10.0.0.0/8, fd00::/8), single
// addresses (taken as /32 or /128) and host names (hooks.internal), which callbacks may reach
// although they are private, loopback or otherwise refused. A host name is trusted whatever it
// resolves to. It returns an error naming the first bad entry.
func (c Config) WebhookTargets() (prefixes []netip.Prefix, hosts []string, err error) {
	for _, entry := range strings.Split(c.WebhookAllow, ",") {
		entry = strings.TrimSpace(entry)
		switch {
		case entry == "":
			continue
		case strings.Contains(entry, "/"):
			p, perr := netip.ParsePrefix(entry)
			if perr != nil {
				return nil, nil, fmt.Errorf("config: WEBHOOK_ALLOW entry %q is not a CIDR", entry)
			}
			prefixes = append(prefixes, p.Masked())
		default:
			if a, aerr := netip.ParseAddr(strings.Trim(entry, "[]")); aerr == nil {
				prefixes = append(prefixes, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
				continue
			}
			if !hostName(entry) {
				return nil, nil, fmt.Errorf("config: WEBHOOK_ALLOW entry %q is neither a CIDR, an address nor a host name", entry)
			}
			hosts = append(hosts, strings.ToLower(strings.TrimSuffix(entry, ".")))
		}
	}
	return prefixes, hosts, nil
}

// hostName reports whether s is a DNS name: dot-separated labels of letters, digits and
// hyphens, not starting or ending with a hyphen.
func hostName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' ||
			strings.Trim(strings.ToLower(label), "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	return true
}

// Load reads the configuration from getenv: every variable getenv gives a non-empty value
// overrides its Default. It returns an error naming the first variable that does not parse or
// is out of range.
func Load(getenv func(string) string) (Config, error) {
	c := Default()
	environ := map[string]string{}
	for _, name := range names() {
		if v := getenv(name); v != "" {
			environ[name] = v
		}
	}
	if err := env.ParseWithOptions(&c, env.Options{Environment: environ}); err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	if err := c.validate(); err != nil {
		return c, err
	}
	if c.Workers == 0 {
		c.Workers = runtime.NumCPU()
	}
	var err error
	c.Keys, err = c.parseKeys()
	return c, err
}

func (c Config) validate() error {
	switch {
	case c.Port < 0 || c.Port > 65535:
		return fmt.Errorf("config: PORT %d out of range", c.Port)
	case c.RedisPort < 1 || c.RedisPort > 65535:
		return fmt.Errorf("config: REDIS_PORT %d out of range", c.RedisPort)
	case c.Workers < 0:
		return fmt.Errorf("config: WORKERS must not be negative (0 means the number of CPUs)")
	case c.QueueCapacity < 1:
		return fmt.Errorf("config: QUEUE_CAPACITY must be positive")
	case c.SandboxUID < 1000:
		return fmt.Errorf("config: SANDBOX_UID_BASE must be at least 1000")
	case c.Sandbox != "bwrap" && c.Sandbox != "gvisor":
		return fmt.Errorf("config: SANDBOX must be bwrap or gvisor, not %q", c.Sandbox)
	case !strings.HasPrefix(c.WorkDir, "/"):
		return fmt.Errorf("config: WORK_DIR must be an absolute path")
	case c.CgroupParent == "" || strings.Contains(c.CgroupParent, ".."):
		return fmt.Errorf(`config: CGROUP_PARENT must be a cgroup path without ".." in it`)
	case c.CompileCacheMaxBytes < 1, c.CompileCacheMaxEntries < 1, c.CompileCacheMaxEntryBytes < 1, c.CompileCacheMaxEntryFiles < 1:
		return fmt.Errorf("config: COMPILE_CACHE_MAX_BYTES, _MAX_ENTRIES, _MAX_ENTRY_BYTES and _MAX_ENTRY_FILES must be positive")
	case c.CompileTimeLimitMS < 1:
		return fmt.Errorf("config: COMPILE_TIME_LIMIT_MS must be positive")
	case c.MaxAttempts < 1:
		return fmt.Errorf("config: MAX_ATTEMPTS must be at least 1")
	case c.LeaseDuration < 300*time.Millisecond:
		return fmt.Errorf("config: LEASE_DURATION must be at least 300ms")
	case c.ReapInterval <= 0, c.QueuePoll <= 0, c.RequeueAfter <= 0, c.QueueTimeout <= 0, c.ShutdownGrace < 0:
		return fmt.Errorf("config: REAP_INTERVAL, QUEUE_POLL_INTERVAL, REQUEUE_AFTER and QUEUE_TIMEOUT must be positive, SHUTDOWN_GRACE not negative")
	case c.TimeLimitMS < 1, c.MemoryLimitMB < 1, c.MaxProcesses < 1, c.OutputLimitBytes < 1:
		return fmt.Errorf("config: TIME_LIMIT_MS, MEMORY_LIMIT_MB, MAX_PROCESSES and OUTPUT_LIMIT_BYTES must be positive")
	case c.TimeLimitMS > c.MaxTimeLimitMS, c.MemoryLimitMB > c.MaxMemoryLimitMB,
		c.MaxProcesses > c.MaxMaxProcesses, c.OutputLimitBytes > c.MaxOutputLimitBytes:
		return fmt.Errorf("config: a default run limit is above its maximum: TIME_LIMIT_MS, MEMORY_LIMIT_MB, MAX_PROCESSES and OUTPUT_LIMIT_BYTES must be at most MAX_TIME_LIMIT_MS, MAX_MEMORY_LIMIT_MB, MAX_MAX_PROCESSES and MAX_OUTPUT_LIMIT_BYTES")
	case c.MaxBodyBytes < 1, c.MaxCodeBytes < 1, c.MaxStdinBytes < 1, c.MaxArgs < 1, c.MaxArgBytes < 1,
		c.MaxArgsBytes < 1, c.MaxFiles < 1, c.MaxWaitMS < 1, c.MaxBatch < 1, c.MaxTests < 1, c.MaxTestsBytes < 1, c.MaxJudgeTimeMS < 1:
		return fmt.Errorf("config: MAX_BODY_BYTES, MAX_CODE_BYTES, MAX_STDIN_BYTES, MAX_ARGS, MAX_ARG_BYTES, MAX_ARGS_BYTES, MAX_FILES, MAX_WAIT_MS, MAX_BATCH, MAX_TESTS, MAX_TESTS_BYTES and MAX_JUDGE_TIME_MS must be positive")
	case c.ShutdownGrace < time.Duration(c.MaxJudgeTimeMS)*time.Millisecond:
		// A worker told to stop lets its runs end within the grace; a judged run may take its
		// whole bound, its compile included.
		return fmt.Errorf("config: SHUTDOWN_GRACE (%v) must cover MAX_JUDGE_TIME_MS (%d)", c.ShutdownGrace, c.MaxJudgeTimeMS)
	case c.RetentionExecutions < 0, c.RetentionSessions < 0, c.RetentionInterval <= 0, c.RetentionBatch < 1:
		return fmt.Errorf("config: RETENTION_EXECUTIONS and RETENTION_SESSIONS must not be negative, RETENTION_INTERVAL and RETENTION_BATCH must be positive")
	case c.MaxActivePerSession < 0, c.RunRateLimit < 0, c.RunRateWindow <= 0, c.IdempotencyTTL < 0:
		return fmt.Errorf("config: MAX_ACTIVE_PER_SESSION, RUN_RATE_LIMIT and IDEMPOTENCY_TTL must not be negative, RUN_RATE_WINDOW must be positive")
	case c.QuotaMaxActive < 0, c.QuotaRunRateLimit < 0, c.QuotaRunRateWindow <= 0:
		return fmt.Errorf("config: QUOTA_MAX_ACTIVE and QUOTA_RUN_RATE_LIMIT must not be negative, QUOTA_RUN_RATE_WINDOW must be positive")
	case c.WebhookMaxAttempts < 1, c.WebhookMaxAttempts > 100:
		return fmt.Errorf("config: WEBHOOK_MAX_ATTEMPTS must be between 1 and 100")
	case c.WebhookTimeout <= 0, c.WebhookBackoff <= 0, c.WebhookInterval <= 0, c.WebhookConcurrency < 1:
		return fmt.Errorf("config: WEBHOOK_TIMEOUT, WEBHOOK_BACKOFF, WEBHOOK_SWEEP_INTERVAL and WEBHOOK_CONCURRENCY must be positive")
	case c.WebhookSecret != "" && len(c.WebhookSecret) < minSecretLen:
		return fmt.Errorf("config: WEBHOOK_SECRET must be at least %d characters", minSecretLen)
	}
	if _, err := c.Origins(); err != nil {
		return err
	}
	if _, _, err := c.WebhookTargets(); err != nil {
		return err
	}
	_, _, err := c.Database()
	return err
}

// Database returns the database driver ("sqlite" or "postgres") and its data source.
func (c Config) Database() (driver, dsn string, err error) {
	switch {
	case strings.HasPrefix(c.DatabaseURL, "sqlite:"):
		return "sqlite", strings.TrimPrefix(c.DatabaseURL, "sqlite:"), nil
	case strings.HasPrefix(c.DatabaseURL, "postgres://"), strings.HasPrefix(c.DatabaseURL, "postgresql://"):
		return "postgres", c.DatabaseURL, nil
	}
	return "", "", fmt.Errorf("config: DATABASE_URL must start with sqlite: or postgres://")
}

// Redis returns the Redis URL, built from REDIS_HOST and friends when REDIS_URL is unset;
// empty means the in-process queue.
func (c Config) Redis() string {
	if c.RedisURL != "" || c.RedisHost == "" {
		return c.RedisURL
	}
	u := url.URL{Scheme: "redis", Host: c.RedisHost + ":" + strconv.Itoa(c.RedisPort)}
	if c.RedisTLS {
		u.Scheme = "rediss"
	}
	if c.RedisPassword != "" {
		u.User = url.UserPassword("", c.RedisPassword)
	}
	return u.String()
}

// Defaults returns the run limits applied when a request names none.
func (c Config) Defaults() execution.Limits {
	return execution.Limits{TimeLimitMS: c.TimeLimitMS, MemoryLimitMB: c.MemoryLimitMB,
		MaxProcesses: c.MaxProcesses, OutputLimitBytes: c.OutputLimitBytes}
}

// Maximums returns the largest run limits a request may ask for.
func (c Config) Maximums() execution.Limits {
	return execution.Limits{TimeLimitMS: c.MaxTimeLimitMS, MemoryLimitMB: c.MaxMemoryLimitMB,
		MaxProcesses: c.MaxMaxProcesses, OutputLimitBytes: c.MaxOutputLimitBytes}
}

// names lists every variable Config reads, so Load can take them from any getenv.
func names() []string {
	params, _ := env.GetFieldParams(&Config{}) // cannot fail: Config's tags are fixed
	out := make([]string, 0, len(params))
	for _, f := range params {
		out = append(out, f.Key)
	}
	return out
}
