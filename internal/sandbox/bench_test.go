// Overhead benchmarks: a trivial program in the sandbox against the same program run bare.
package sandbox_test

import (
	"context"
	"os/exec"
	"sort"
	"syscall"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/sandbox"
)

func BenchmarkPythonSandboxed(b *testing.B) {
	var log stageLog
	bd := setup(b, sandbox.Config{UIDBase: 71300, Slots: 1, Stages: log.observe})
	l, _ := bd.langs.Lookup("python")
	spec := sandbox.Spec{Language: l, Files: []execution.File{{Content: "pass"}}}
	for b.Loop() {
		res, err := bd.sb.Run(context.Background(), spec)
		if err != nil || res.Status != execution.StatusCompleted {
			b.Fatalf("run: %v %+v", err, res)
		}
	}
	bd.sb.Wait()
	reportStages(b, &log)
}

func BenchmarkPythonBare(b *testing.B) {
	for b.Loop() {
		if err := exec.Command("/usr/bin/python3", "-c", "pass").Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPythonSideBySide runs a trivial program bare and in the sandbox alternately, so that
// the load of the host weighs on both alike, and reports the wall and CPU time of each per run
// (CPU: this process's and its waited-for children's, so the sandbox's own work counts) and
// their ratios.
func BenchmarkPythonSideBySide(b *testing.B) {
	var log stageLog
	bd := setup(b, sandbox.Config{UIDBase: 75010, Slots: 1, Stages: log.observe})
	l, _ := bd.langs.Lookup("python")
	spec := sandbox.Spec{Language: l, Files: []execution.File{{Content: "pass"}}}
	var bareWall, bareCPU, sbWall, sbCPU time.Duration
	for b.Loop() {
		w, c := measure(b, func() error { return exec.Command("/usr/bin/python3", "-c", "pass").Run() })
		bareWall, bareCPU = bareWall+w, bareCPU+c
		w, c = measure(b, func() error {
			res, err := bd.sb.Run(context.Background(), spec)
			if err == nil && res.Status != execution.StatusCompleted {
				b.Fatalf("run: %+v", res)
			}
			bd.sb.Wait() // the teardown is part of the run's cost
			return err
		})
		sbWall, sbCPU = sbWall+w, sbCPU+c
	}
	n := float64(b.N)
	b.ReportMetric(ms(bareWall)/n, "bare-wall-ms")
	b.ReportMetric(ms(sbWall)/n, "sandbox-wall-ms")
	b.ReportMetric(ms(bareCPU)/n, "bare-cpu-ms")
	b.ReportMetric(ms(sbCPU)/n, "sandbox-cpu-ms")
	b.ReportMetric(float64(sbWall)/float64(bareWall), "wall-ratio")
	b.ReportMetric(float64(sbCPU)/float64(bareCPU), "cpu-ratio")
	reportStages(b, &log)
}

// measure runs f and returns its wall time and the CPU time it took of this process and its
// children.
func measure(b *testing.B, f func() error) (wall, cpu time.Duration) {
	b.Helper()
	c0 := cpuTime()
	t0 := time.Now()
	if err := f(); err != nil {
		b.Fatal(err)
	}
	return time.Since(t0), cpuTime() - c0
}

// cpuTime is the user and system time of this process and of its waited-for children.
func cpuTime() time.Duration {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		_ = syscall.Getrusage(who, &ru)
		total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return total
}

// reportStages reports the mean time per run of each stage the sandbox reported.
func reportStages(b *testing.B, log *stageLog) {
	log.mu.Lock()
	defer log.mu.Unlock()
	names := make([]string, 0, len(log.sums))
	for s := range log.sums {
		names = append(names, s)
	}
	sort.Strings(names)
	for _, s := range names {
		b.ReportMetric(ms(log.sums[s])/float64(b.N), s+"-ms")
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
