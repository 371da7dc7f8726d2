// Shared test setup: a sandbox on this host and the built-in languages.

package sandbox_test

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/proctest"
	"livecode/internal/sandbox"
	"livecode/internal/testsvc"
)

// timeGrace is how long past its time limit a run may take to end, setup and teardown included,
// on the slowest, most loaded host the suite must pass on (3x slower than a fast one, with a CPU
// hog beside it). Assertions of "ended by the limit" use it; nothing asserts a speed.
const timeGrace = 5 * time.Second

// The sandbox's default time limits (sandbox.Config), stretched on slow kernels.
const defaultTimeLimitMS, defaultCompileTimeLimitMS = 5000, 15000

type bundle struct {
	sb    *sandbox.Sandbox
	langs *language.Registry
}

func setup(t testing.TB, cfg sandbox.Config) bundle {
	t.Helper()
	if cfg.WorkRoot == "" {
		dir := t.TempDir()
		// The sandbox uids must traverse every ancestor of the work root.
		if err := os.Chmod(filepath.Dir(dir), 0o711); err != nil {
			t.Fatal(err)
		}
		cfg.WorkRoot = dir
	}
	if cfg.CgroupParent == "" {
		cfg.CgroupParent = "livecode-test"
	}
	if testsvc.TimeScale() != 1 {
		cfg.Defaults.TimeLimitMS = testsvc.ScaleMS(cmp.Or(cfg.Defaults.TimeLimitMS, defaultTimeLimitMS))
		cfg.CompileLimits.TimeLimitMS = testsvc.ScaleMS(cmp.Or(cfg.CompileLimits.TimeLimitMS, defaultCompileTimeLimitMS))
	}
	sb, err := sandbox.New(cfg)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	t.Cleanup(func() { // before the work root (a t.TempDir made earlier) is removed
		if err := sb.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	langs, err := language.Load("")
	if err != nil {
		t.Fatalf("language.Load: %v", err)
	}
	return bundle{sb: sb, langs: langs}
}

// run runs code in lang with limits (a time limit scaled by testsvc.TimeScale) and returns the result.
func (b bundle) run(t testing.TB, lang, code, stdin string, limits execution.Limits) execution.Result {
	t.Helper()
	limits.TimeLimitMS = testsvc.ScaleMS(limits.TimeLimitMS)
	l, ok := b.langs.Lookup(lang)
	if !ok || !l.Available {
		t.Fatalf("language %s not available", lang)
	}
	spec := sandbox.Spec{Language: l, Files: []execution.File{{Content: code}}, Limits: limits}
	if stdin != "" {
		spec.Stdin = strings.NewReader(stdin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testsvc.Scale(60*time.Second))
	defer cancel()
	res, err := b.sb.Run(ctx, spec)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// ownHost is a cgroup parent and a work root of the test's own, both removed after it; the
// check for leftovers then sees only its runs'.
func ownHost(t *testing.T, name string) (parent, work string) {
	t.Helper()
	parent = "livecode-test-" + name + "-" + strconv.Itoa(os.Getpid())
	t.Cleanup(func() { proctest.RemoveCgroups(parent) })
	work = t.TempDir()
	// The sandbox uids must traverse every ancestor of the work root.
	if err := os.Chmod(filepath.Dir(work), 0o711); err != nil {
		t.Fatal(err)
	}
	return parent, work
}

// runCgroups lists the run cgroups left below parent, in every instance.
func runCgroups(parent string) []string {
	var left []string
	for _, dir := range proctest.CgroupDirs(parent) {
		m, _ := filepath.Glob(filepath.Join(dir, "*", "*", "cgroup.procs"))
		for _, f := range m {
			left = append(left, filepath.Dir(f))
		}
	}
	return left
}

// workLeft lists what is left under a work root besides the gVisor level's shared dirs and the
// instance dirs' lock files and /dev.
func workLeft(work string) []string {
	var left []string
	entries, _ := os.ReadDir(work)
	for _, e := range entries {
		if e.Name() == "runsc-rootfs" || e.Name() == "runsc-state" {
			continue
		}
		inner, err := os.ReadDir(filepath.Join(work, e.Name()))
		if err != nil {
			left = append(left, e.Name())
		}
		for _, f := range inner {
			if f.Name() != "lock" && f.Name() != "dev" {
				left = append(left, filepath.Join(e.Name(), f.Name()))
			}
		}
	}
	return left
}
