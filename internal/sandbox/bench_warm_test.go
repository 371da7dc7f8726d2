// Warm jails against cold ones, bare execution and plain bubblewrap, side by side in one run.

package sandbox_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"livecode/internal/compilecache"
	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/sandbox"
)

// benchUIDBase is where the warm benchmarks' uids start (BENCH_UID_BASE, default 81000); each
// takes ten from there.
func benchUIDBase() int {
	if v, err := strconv.Atoi(os.Getenv("BENCH_UID_BASE")); err == nil && v >= 1000 {
		return v
	}
	return 81000
}

// sideBySide is one contender of a side-by-side benchmark: its run and its totals.
type sideBySide struct {
	name            string
	run             func() error // the critical path: what a caller waits for
	after           func()       // the rest of the run's cost (teardown, next jail), timed apart
	wall, cpu, rest time.Duration
}

// alternate runs every contender once per iteration, in turn, and reports each one's wall time
// (critical path), CPU time per run (after included) and ratios to the first two (bare and
// plain bubblewrap).
func alternate(b *testing.B, cs []*sideBySide) {
	for b.Loop() {
		for _, c := range cs {
			w, cpu := measure(b, c.run)
			c.wall, c.cpu = c.wall+w, c.cpu+cpu
			if c.after != nil {
				w, cpu = measure(b, func() error { c.after(); return nil })
				c.rest, c.cpu = c.rest+w, c.cpu+cpu
			}
		}
	}
	n := float64(b.N)
	for _, c := range cs {
		b.ReportMetric(ms(c.wall)/n, c.name+"-wall-ms")
		b.ReportMetric(ms(c.cpu)/n, c.name+"-cpu-ms")
		if c.after != nil {
			b.ReportMetric(ms(c.rest)/n, c.name+"-after-ms")
		}
	}
	for _, c := range cs[2:] {
		b.ReportMetric(float64(c.wall)/float64(cs[0].wall), c.name+"/bare-wall")
		b.ReportMetric(float64(c.cpu)/float64(cs[1].cpu), c.name+"/bwrap-cpu")
		b.ReportMetric(float64(c.cpu)/float64(cs[0].cpu), c.name+"/bare-cpu")
	}
}

// sandboxCase runs spec in sb, which must complete with stdout want; after waits for its teardown.
func sandboxCase(b *testing.B, name string, sb *sandbox.Sandbox, spec sandbox.Spec, want string) *sideBySide {
	return &sideBySide{name: name, run: func() error {
		res, err := sb.Run(context.Background(), spec)
		if err == nil && (res.Status != execution.StatusCompleted || res.Stdout != want) {
			b.Fatalf("%s: %s/%q stdout %q stderr %q", name, res.Status, res.Reason, res.Stdout, res.Stderr)
		}
		return err
	}, after: sb.Wait}
}

// BenchmarkWarmSideBySide runs a trivial Python program bare, under plain bubblewrap, in a
// cold sandbox and in a warm one, alternately. Wall is the critical path (Run returning); CPU
// per run includes the teardown and, warm, the preparation of the next jail. It reports the stages
// of both sandboxes (cold-… and warm-…) per run.
func BenchmarkWarmSideBySide(b *testing.B) {
	uid := benchUIDBase()
	var coldLog, warmLog stageLog
	cold := setup(b, sandbox.Config{UIDBase: uid, Slots: 1, Stages: coldLog.observe, CPUs: benchCPUs()})
	warm := setup(b, sandbox.Config{UIDBase: uid + 1, Slots: 1, Stages: warmLog.observe, CPUs: benchCPUs(), Warm: true})
	l, _ := cold.langs.Lookup("python")
	spec := sandbox.Spec{Language: l, Files: []execution.File{{Content: "pass"}}}
	alternate(b, []*sideBySide{
		{name: "bare", run: func() error { return exec.Command("/usr/bin/python3", "-c", "pass").Run() }},
		{name: "bwrap", run: func() error {
			err := plainBwrap(uid+2, "/usr/bin/python3", "-c", "pass").Run()
			reapOne(b)
			return err
		}},
		sandboxCase(b, "cold", cold.sb, spec, ""),
		sandboxCase(b, "warm", warm.sb, spec, ""),
	})
	reportStagesAs(b, "cold-", &coldLog)
	reportStagesAs(b, "warm-", &warmLog)
}

// reportStagesAs reports the mean time per run of each stage, its name prefixed.
func reportStagesAs(b *testing.B, prefix string, log *stageLog) {
	log.mu.Lock()
	defer log.mu.Unlock()
	for s, d := range log.sums {
		b.ReportMetric(ms(d)/float64(b.N), prefix+s+"-ms")
	}
}

// BenchmarkWarmBurst runs bursts of trivial Python programs bare and under plain bubblewrap on
// as many workers as the sandboxes have slots, and in a cold and a warm sandbox with twice as
// many submitters as slots, alternately; a sandbox's burst ends when its teardowns (and warm
// jails) are done. It reports each one's throughput and the sandboxes' ratios to the others.
func BenchmarkWarmBurst(b *testing.B) {
	const slots, burst = 2, 20
	uid := benchUIDBase() + 10
	cold := setup(b, sandbox.Config{UIDBase: uid, Slots: slots})
	warm := setup(b, sandbox.Config{UIDBase: uid + slots, Slots: slots, Warm: true})
	l, _ := cold.langs.Lookup("python")
	spec := sandbox.Spec{Language: l, Files: []execution.File{{Content: "pass"}}}
	sandboxed := func(sb *sandbox.Sandbox) time.Duration {
		d := parallel(b, 2*slots, burst, func() error {
			res, err := sb.Run(context.Background(), spec)
			if err == nil && res.Status != execution.StatusCompleted {
				b.Errorf("run: %+v", res)
			}
			return err
		})
		t0 := time.Now()
		sb.Wait()
		return d + time.Since(t0)
	}
	var bare, bw, c, w time.Duration
	for b.Loop() {
		bare += parallel(b, slots, burst, func() error { return exec.Command("/usr/bin/python3", "-c", "pass").Run() })
		bw += parallel(b, slots, burst, func() error { return plainBwrap(uid+2*slots, "/usr/bin/python3", "-c", "pass").Run() })
		reapAll()
		c += sandboxed(cold.sb)
		w += sandboxed(warm.sb)
	}
	n := float64(b.N * burst)
	for _, r := range []struct {
		name string
		d    time.Duration
	}{{"bare", bare}, {"bwrap", bw}, {"cold", c}, {"warm", w}} {
		b.ReportMetric(n/r.d.Seconds(), r.name+"-runs/s")
	}
	b.ReportMetric(bw.Seconds()/w.Seconds(), "warm/bwrap")
	b.ReportMetric(bw.Seconds()/c.Seconds(), "cold/bwrap")
	b.ReportMetric(bare.Seconds()/w.Seconds(), "warm/bare")
	b.ReportMetric(bare.Seconds()/c.Seconds(), "cold/bare")
}

// reapAll reaps the orphans plain bubblewrap left (its pid 1s): no sandbox run is in progress,
// and the sandboxes' held jails have not exited.
func reapAll() {
	for {
		var ws syscall.WaitStatus
		if pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil); pid <= 0 || err != nil {
			return
		}
	}
}

// BenchmarkWarmCompiledHello runs hello world in C and Go from the compile cache, cold and
// warm, against the same binary run bare, alternately.
func BenchmarkWarmCompiledHello(b *testing.B) {
	for i, lang := range []string{"c", "go"} {
		b.Run(lang, func(b *testing.B) {
			uid := benchUIDBase() + 20 + 2*i
			cache, err := compilecache.Open(filepath.Join(b.TempDir(), "cache"), compilecache.Bounds{MaxBytes: 256 << 20})
			if err != nil {
				b.Fatal(err)
			}
			cold := setup(b, sandbox.Config{UIDBase: uid, Slots: 1, Cache: cache})
			warm := setup(b, sandbox.Config{UIDBase: uid + 1, Slots: 1, Cache: cache, Warm: true})
			l, ok := cold.langs.Lookup(lang)
			if lang == "c" {
				l, ok = cLanguage(cold.langs), true
			}
			if !ok || !l.Available {
				b.Skipf("%s not available", lang)
			}
			code := map[string]string{"c": "#include <stdio.h>\nint main(void) { puts(\"hello, world\"); return 0; }\n",
				"go": "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello, world\")\n}\n"}[lang]
			spec := sandbox.Spec{Language: l, Files: []execution.File{{Content: code}}}
			bin := bareBuild(b, l, code)
			for _, sb := range []*sandbox.Sandbox{cold.sb, warm.sb, warm.sb} { // fills the cache, then the warm jail
				if res, err := sb.Run(context.Background(), spec); err != nil || res.Stdout != "hello, world\n" {
					b.Fatalf("%v %s/%q %q", err, res.Status, res.Reason, res.CompileOutput)
				}
				sb.Wait()
			}
			alternate(b, []*sideBySide{
				{name: "bare", run: func() error { return exec.Command(bin).Run() }},
				{name: "bwrap", run: func() error {
					err := plainBwrapIn(uid+2, filepath.Dir(bin), bin).Run()
					reapOne(b)
					return err
				}},
				sandboxCase(b, "cold", cold.sb, spec, "hello, world\n"),
				sandboxCase(b, "warm", warm.sb, spec, "hello, world\n"),
			})
		})
	}
}

// plainBwrapIn is plainBwrap with dir bound read-only as well.
func plainBwrapIn(uid int, dir string, argv ...string) *exec.Cmd {
	c := plainBwrap(uid, argv...)
	c.Args = append(append(c.Args[:1:1], "--ro-bind", dir, dir), c.Args[1:]...)
	return c
}

// bareBuild compiles code with l's compile command, as the sandbox does, into a directory the
// sandbox uids can read, and returns the binary.
func bareBuild(b *testing.B, l language.Language, code string) string {
	dir, err := os.MkdirTemp("/var/tmp", "livecode-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, l.SourceFile), []byte(code), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(l.Compile[0], l.Compile[1:]...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), l.Env...), "GOCACHE="+filepath.Join(dir, "gocache"), "GOPATH="+filepath.Join(dir, "gopath"))
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build: %v: %s", err, out)
	}
	return filepath.Join(dir, filepath.Base(l.Run[0]))
}
