// Overhead benchmarks: a trivial program in the sandbox against the same program run bare.

package sandbox_test

import (
	"context"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"sync"
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

// BenchmarkPythonSideBySide runs a trivial program bare, under plain bubblewrap and in the
// sandbox alternately, so that the load of the host weighs on all alike, and reports the wall
// and CPU time of each per run (CPU: this process's and its waited-for children's, so the
// sandbox's own work counts) and the sandbox's ratios to bare and to plain bubblewrap.
func BenchmarkPythonSideBySide(b *testing.B) {
	var log stageLog
	bd := setup(b, sandbox.Config{UIDBase: 75010, Slots: 1, Stages: log.observe, CPUs: benchCPUs(), Level: os.Getenv("SANDBOX")})
	l, _ := bd.langs.Lookup("python")
	spec := sandbox.Spec{Language: l, Files: []execution.File{{Content: "pass"}}}
	var bareWall, bareCPU, bwWall, bwCPU, sbWall, sbCPU, sbSelf time.Duration
	for b.Loop() {
		w, c := measure(b, func() error { return exec.Command("/usr/bin/python3", "-c", "pass").Run() })
		bareWall, bareCPU = bareWall+w, bareCPU+c
		w, c = measure(b, func() error {
			err := plainBwrap(75011, "/usr/bin/python3", "-c", "pass").Run()
			reapOne(b) // bubblewrap's pid 1, ours to reap (the sandbox made this process a subreaper)
			return err
		})
		bwWall, bwCPU = bwWall+w, bwCPU+c
		self := selfCPU()
		w, c = measure(b, func() error {
			res, err := bd.sb.Run(context.Background(), spec)
			if err == nil && res.Status != execution.StatusCompleted {
				b.Fatalf("run: %+v", res)
			}
			bd.sb.Wait() // the teardown is part of the run's cost
			return err
		})
		sbWall, sbCPU, sbSelf = sbWall+w, sbCPU+c, sbSelf+selfCPU()-self
	}
	n := float64(b.N)
	b.ReportMetric(ms(bareWall)/n, "bare-wall-ms")
	b.ReportMetric(ms(sbWall)/n, "sandbox-wall-ms")
	b.ReportMetric(ms(bareCPU)/n, "bare-cpu-ms")
	b.ReportMetric(ms(sbCPU)/n, "sandbox-cpu-ms")
	b.ReportMetric(ms(bwWall)/n, "bwrap-wall-ms")
	b.ReportMetric(ms(bwCPU)/n, "bwrap-cpu-ms")
	b.ReportMetric(ms(sbSelf)/n, "sandbox-self-cpu-ms")
	b.ReportMetric(float64(sbWall)/float64(bareWall), "wall-ratio")
	b.ReportMetric(float64(sbCPU)/float64(bareCPU), "cpu-ratio")
	b.ReportMetric(float64(sbWall)/float64(bwWall), "wall-ratio-bwrap")
	b.ReportMetric(float64(sbCPU)/float64(bwCPU), "cpu-ratio-bwrap")
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
func cpuTime() time.Duration { return rusage(syscall.RUSAGE_SELF) + rusage(syscall.RUSAGE_CHILDREN) }

// selfCPU is the user and system time of this process alone: the sandbox's own share.
func selfCPU() time.Duration { return rusage(syscall.RUSAGE_SELF) }

func rusage(who int) time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reapOne waits for the one orphan plain bubblewrap leaves, its pid 1, so that its CPU time
// counts for plain bubblewrap. No sandbox run is in progress: no other child is waiting.
func reapOne(b *testing.B) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if pid > 0 || err != nil {
			return
		}
		if time.Now().After(deadline) {
			b.Fatal("plain bubblewrap's pid 1 did not exit")
		}
		time.Sleep(100 * time.Microsecond) // a benchmark's tight poll: testsvc.Within's backoff would add to the measured time
	}
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

func benchCPUs() float64 {
	v, _ := strconv.ParseFloat(os.Getenv("BENCH_CPUS"), 64)
	return v
}

// BenchmarkPythonBurst runs bursts of trivial programs, bare on as many workers as the sandbox
// has slots and in the sandbox with twice as many submitters as slots, alternately, and reports
// the sandbox's throughput as a fraction of bare (teardowns included: each burst ends with Wait).
func BenchmarkPythonBurst(b *testing.B) {
	const slots, burst = 2, 20
	bd := setup(b, sandbox.Config{UIDBase: 75030, Slots: slots})
	l, _ := bd.langs.Lookup("python")
	spec := sandbox.Spec{Language: l, Files: []execution.File{{Content: "pass"}}}
	var bare, sandboxed time.Duration
	for b.Loop() {
		bare += parallel(b, slots, burst, func() error { return exec.Command("/usr/bin/python3", "-c", "pass").Run() })
		sandboxed += parallel(b, 2*slots, burst, func() error {
			res, err := bd.sb.Run(context.Background(), spec)
			if err == nil && res.Status != execution.StatusCompleted {
				b.Errorf("run: %+v", res)
			}
			return err
		})
		t0 := time.Now()
		bd.sb.Wait()
		sandboxed += time.Since(t0)
	}
	n := float64(b.N * burst)
	b.ReportMetric(n/bare.Seconds(), "bare-runs/s")
	b.ReportMetric(n/sandboxed.Seconds(), "sandbox-runs/s")
	b.ReportMetric(bare.Seconds()/sandboxed.Seconds(), "throughput-ratio")
}

// parallel runs f n times on workers goroutines and returns how long that took.
func parallel(b *testing.B, workers, n int, f func() error) time.Duration {
	jobs := make(chan struct{}, n)
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	var wg sync.WaitGroup
	t0 := time.Now()
	for range workers {
		wg.Go(func() {
			for range jobs {
				if err := f(); err != nil {
					b.Error(err)
				}
			}
		})
	}
	wg.Wait()
	return time.Since(t0)
}
