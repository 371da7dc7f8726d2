// Measurement, enabled by LIVECODE_MEASURE=1: each language's hello world through the API, first
// and cached, beside the same toolchain run bare on the host.

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"livecode/internal/language"
)

// TestMeasureLanguages prints, for every installed language: its toolchain's version, the first
// run of hello world (POST to a terminal status, seen by the client; compiled languages compile
// then), the cached run (the second, identical one), and the same program compiled and run bare
// on the host (no sandbox, no service), whose run alone is what the cached run compares with.
func TestMeasureLanguages(t *testing.T) {
	if os.Getenv("LIVECODE_MEASURE") != "1" {
		t.Skip("set LIVECODE_MEASURE=1 to measure")
	}
	p, _ := startLanguages(t, 82500, "WORKERS=1")
	reg, err := language.Load("")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	t.Logf("%-11s %-34s %8s %8s %9s %8s %7s", "language", "version", "first", "cached", "bare c+r", "bare run", "cached/bare")
	for _, l := range reg.List() {
		prog, ok := corpus[l.ID]
		if !ok || !l.Available {
			continue
		}
		first := runOnce(ctx, t, p.URL, l.ID, prog.hello, nil)
		cached := runOnce(ctx, t, p.URL, l.ID, prog.hello, nil)
		if first.Status != "COMPLETED" || cached.Status != "COMPLETED" {
			t.Errorf("%s: %s then %s", l.ID, first.Status, cached.Status)
			continue
		}
		compile, run := bareRun(t, l, prog.hello)
		t.Logf("%-11s %-34.34s %7.3fs %7.3fs %8.3fs %7.3fs %6.1fx", l.ID, l.Version, first.elapsed, cached.elapsed,
			(compile + run).Seconds(), run.Seconds(), cached.elapsed/run.Seconds())
	}
}

// bareRun compiles (when the language compiles) and runs code with the language's own commands
// and environment in a temporary directory on the host, and returns the time of each step.
func bareRun(t *testing.T, l language.Language, code string) (compile, run time.Duration) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, l.SourceFile), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	// The language's /tmp paths (caches, a compiler's scratch) go to the run's own directory.
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	local := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = strings.ReplaceAll(s, "/tmp", tmp)
		}
		return out
	}
	env := append([]string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + dir, "LANG=C.UTF-8", "TMPDIR=" + tmp}, local(l.Env)...)
	step := func(argv []string) time.Duration {
		argv = local(argv)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir, cmd.Env = dir, env
		begin := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: bare %v: %v\n%s", l.ID, argv, err, out)
		}
		return time.Since(begin)
	}
	if l.Compiles() {
		compile = step(l.Compile)
	}
	return compile, step(l.Run)
}
