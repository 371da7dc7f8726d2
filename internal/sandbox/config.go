// Sandbox configuration and its defaults.

package sandbox

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"livecode/internal/compilecache"
	"livecode/internal/execution"
)

// Defaults of a Sandbox, which config's SANDBOX, SANDBOX_UID_BASE, the run limits
// (TIME_LIMIT_MS, MEMORY_LIMIT_MB, MAX_PROCESSES, OUTPUT_LIMIT_BYTES; DefaultLimits) and
// COMPILE_TIME_LIMIT_MS (DefaultCompileLimits) also take.
const (
	DefaultLevel     = "bwrap"
	DefaultBwrapPath = "/usr/bin/bwrap"
	DefaultRunscPath = "/usr/bin/runsc"
	DefaultUIDBase   = 60000
	DefaultSlots     = 16
	DefaultCPUs      = 1.0
	// A run's work dir and /tmp together; a compile cache entry is bounded the same, so that
	// any entry fits a run that copies it.
	DefaultTmpfsBytes    = compilecache.DefaultMaxEntryBytes
	DefaultTmpfsInodes   = compilecache.DefaultMaxEntryFiles
	DefaultFileSizeBytes = 16 << 20
	DefaultOpenFiles     = 256
	DefaultStackBytes    = 32 << 20
)

// DefaultLimits are the run limits of a Spec that names none.
func DefaultLimits() execution.Limits {
	return execution.Limits{TimeLimitMS: 5000, MemoryLimitMB: 256, MaxProcesses: 64, OutputLimitBytes: 1 << 20}
}

// DefaultCompileLimits bound the compile step of compiled languages.
func DefaultCompileLimits() execution.Limits {
	return execution.Limits{TimeLimitMS: 15000, MemoryLimitMB: 512, MaxProcesses: 64, OutputLimitBytes: 1 << 20}
}

// Config configures a Sandbox. The zero value of every field means its default (the Default
// constants); a negative UIDBase or Slots is refused by New.
type Config struct {
	Level     string // "bwrap" (DefaultLevel) or "gvisor"
	BwrapPath string // default DefaultBwrapPath
	RunscPath string // default DefaultRunscPath
	UIDBase   int    // runs use uid and gid UIDBase+slot; default DefaultUIDBase
	Slots     int    // concurrent runs; Run waits for a free slot; default DefaultSlots
	// WorkRoot is the host dir holding each process's instance dir, which holds its runs'
	// tmpfs mounts; its parents must be searchable by the sandbox uids. Required.
	WorkRoot string
	// CgroupParent is the cgroup under which each process makes its instance cgroup, which
	// holds its run cgroups: relative to this process's own cgroup (in each v1 controller)
	// unless it starts with "/". Required.
	CgroupParent string
	Logger       *slog.Logger
	// FavorDynMods sets favordynmods on the host's cgroup2 mount, which makes joining a cgroup
	// much faster for every process of the host (see favorDynMods). Off, the host is left alone.
	FavorDynMods bool

	CPUs          float64 // CPU bandwidth of one run, in cores; default DefaultCPUs
	TmpfsBytes    int64   // size of the writable work dir and /tmp together; default DefaultTmpfsBytes (64 MiB)
	TmpfsInodes   int     // inodes of the same; default DefaultTmpfsInodes (4096)
	FileSizeBytes int64   // RLIMIT_FSIZE; default DefaultFileSizeBytes (16 MiB)
	OpenFiles     int     // RLIMIT_NOFILE; default DefaultOpenFiles
	StackBytes    int64   // RLIMIT_STACK; default DefaultStackBytes (32 MiB)

	// Defaults applies to every zero field of a Spec's Limits; its own zero fields take DefaultLimits.
	Defaults execution.Limits
	// CompileLimits bound the compile step of compiled languages; zero fields take DefaultCompileLimits.
	CompileLimits execution.Limits
	// Stages, when set, is told how long each stage of every run took (the Stage* names), once
	// the run's teardown is over. It must be cheap and safe for concurrent use.
	Stages func(stage string, d time.Duration)
	// Warm prepares, when a slot's run ends, the slot's next jail for the same language and
	// arguments (see warm.go), so that the next such run only writes its files, sets its limits
	// and releases the hold. The gVisor level always runs cold. Off by default here; the service
	// takes WARM_JAILS (internal/config).
	Warm bool
	// Cache, when set, keeps compile output so that the same program is compiled once per
	// host; its entries join the runs that use them read-only (an overlay). Nil compiles every run.
	Cache *compilecache.Cache
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() (Config, error) {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def64 := func(v *int64, d int64) {
		if *v == 0 {
			*v = d
		}
	}
	if c.Level == "" {
		c.Level = DefaultLevel
	}
	if c.BwrapPath == "" {
		c.BwrapPath = DefaultBwrapPath
	}
	if c.RunscPath == "" {
		c.RunscPath = DefaultRunscPath
	}
	def(&c.UIDBase, DefaultUIDBase)
	c.Warm = c.Warm && c.Level == "bwrap" // gVisor: every run is cold
	def(&c.Slots, DefaultSlots)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.CPUs == 0 {
		c.CPUs = DefaultCPUs
	}
	def64(&c.TmpfsBytes, DefaultTmpfsBytes)
	def(&c.TmpfsInodes, DefaultTmpfsInodes)
	def64(&c.FileSizeBytes, DefaultFileSizeBytes)
	def(&c.OpenFiles, DefaultOpenFiles)
	def64(&c.StackBytes, DefaultStackBytes)
	c.Defaults = fillLimits(c.Defaults, DefaultLimits())
	c.CompileLimits = fillLimits(c.CompileLimits, DefaultCompileLimits())
	return c, c.validate()
}

func (c Config) validate() error {
	switch {
	case c.Level != "bwrap" && c.Level != "gvisor":
		return fmt.Errorf("sandbox: level must be bwrap or gvisor, not %q", c.Level)
	case c.UIDBase < 1000:
		return errors.New("sandbox: UIDBase must be at least 1000")
	case c.Slots < 1:
		return errors.New("sandbox: Slots must be at least 1")
	case !filepath.IsAbs(c.WorkRoot):
		return fmt.Errorf("sandbox: the work root must be an absolute path, not %q", c.WorkRoot)
	case c.CgroupParent == "" || strings.Contains(c.CgroupParent, ".."):
		return fmt.Errorf("sandbox: the cgroup parent must be a path without .., not %q", c.CgroupParent)
	}
	return nil
}

// fillLimits sets every zero field of l from d.
func fillLimits(l, d execution.Limits) execution.Limits {
	if l.TimeLimitMS <= 0 {
		l.TimeLimitMS = d.TimeLimitMS
	}
	if l.MemoryLimitMB <= 0 {
		l.MemoryLimitMB = d.MemoryLimitMB
	}
	if l.MaxProcesses <= 0 {
		l.MaxProcesses = d.MaxProcesses
	}
	if l.OutputLimitBytes <= 0 {
		l.OutputLimitBytes = d.OutputLimitBytes
	}
	return l
}
