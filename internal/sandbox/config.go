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

// Config configures a Sandbox. The zero value of every field means its default.
type Config struct {
	Level     string // "bwrap" (default) or "gvisor"
	BwrapPath string // default /usr/bin/bwrap
	RunscPath string // default /usr/bin/runsc
	UIDBase   int    // runs use uid and gid UIDBase+slot; default 60000
	Slots     int    // concurrent runs; Run waits for a free slot; default 16
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

	CPUs          float64 // CPU bandwidth of one run, in cores; default 1
	TmpfsBytes    int64   // size of the writable work dir and /tmp together; default 64 MiB
	TmpfsInodes   int     // inodes of the same; default 4096
	FileSizeBytes int64   // RLIMIT_FSIZE; default 16 MiB
	OpenFiles     int     // RLIMIT_NOFILE; default 256
	StackBytes    int64   // RLIMIT_STACK; default 32 MiB

	// Defaults applies to every zero field of a Spec's Limits.
	Defaults execution.Limits
	// CompileLimits bound the compile step of compiled languages.
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
	if c.Level == "" {
		c.Level = "bwrap"
	}
	if c.BwrapPath == "" {
		c.BwrapPath = "/usr/bin/bwrap"
	}
	if c.RunscPath == "" {
		c.RunscPath = "/usr/bin/runsc"
	}
	def(&c.UIDBase, 60000)
	c.Warm = c.Warm && c.Level == "bwrap" // gVisor: every run is cold
	def(&c.Slots, 16)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.CPUs == 0 {
		c.CPUs = 1
	}
	if c.TmpfsBytes == 0 {
		c.TmpfsBytes = 64 << 20
	}
	def(&c.TmpfsInodes, 4096)
	if c.FileSizeBytes == 0 {
		c.FileSizeBytes = 16 << 20
	}
	def(&c.OpenFiles, 256)
	if c.StackBytes == 0 {
		c.StackBytes = 32 << 20
	}
	c.Defaults = fillLimits(c.Defaults, execution.Limits{
		TimeLimitMS: 5000, MemoryLimitMB: 256, MaxProcesses: 64, OutputLimitBytes: 1 << 20,
	})
	c.CompileLimits = fillLimits(c.CompileLimits, execution.Limits{
		TimeLimitMS: 15000, MemoryLimitMB: 512, MaxProcesses: 64, OutputLimitBytes: 1 << 20,
	})
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
