// Measurements, enabled by LIVECODE_MEASURE=1: live-output latency and idle SSE memory, compile cache speed-up.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// measureLatency watches a session while a program prints its clock every 50 ms, and returns
// the delays between each print and its arrival at the client (same machine, same clock).
func measureLatency(t *testing.T, submit, watch string, lines int) []time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := fmt.Sprintf("import time, sys\nfor i in range(%d):\n    print(repr(time.time()), flush=True)\n    time.sleep(0.05)\n", lines)
	sid := newSession(t, submit, "python", code)
	ch := openSSE(ctx, t, watch+"/code-sessions/"+sid+"/events", 0)
	run(t, submit, sid, map[string]any{"time_limit_ms": 30000})
	var delays []time.Duration
	for ev := range ch {
		if ev.Type == "result" {
			break
		}
		if ev.Type != "stdout" {
			continue
		}
		var c chunk
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Fields(c.Data) {
			f, err := strconv.ParseFloat(line, 64)
			if err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			delays = append(delays, ev.At.Sub(time.Unix(0, int64(f*1e9))))
		}
	}
	if len(delays) != lines {
		t.Fatalf("got %d lines, want %d", len(delays), lines)
	}
	slices.Sort(delays)
	return delays
}

func pct(ds []time.Duration, p float64) time.Duration { return ds[int(float64(len(ds)-1)*p)] }

// rss is the resident memory of a process, in KiB.
func rss(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// TestMeasureLiveOutput reports latency and idle-connection memory; it runs with
// LIVECODE_MEASURE=1, since its numbers only mean something on a quiet machine.
func TestMeasureLiveOutput(t *testing.T) {
	if os.Getenv("LIVECODE_MEASURE") == "" {
		t.Skip("set LIVECODE_MEASURE=1 to measure")
	}
	// The race detector multiplies memory and slows everything: measure a plain build. Parallel
	// tests wait for this one, so nothing else starts a process while binary is swapped.
	plain := filepath.Join(t.TempDir(), "livecode")
	if out, err := exec.Command("go", "build", "-o", plain, "../cmd/livecode").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	raced := binary
	binary = plain
	defer func() { binary = raced }()
	const lines = 200
	p := start(t, "serve", "DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "db.sqlite"), "WORKERS=2",
		"RUN_RATE_LIMIT=0", "LOG_LEVEL=info")
	ds := measureLatency(t, p.URL, p.URL, lines)
	t.Logf("embedded: write→client latency over %d lines: p50 %v, p99 %v, max %v", lines, pct(ds, .5), pct(ds, .99), ds[len(ds)-1])
	if p99 := pct(ds, .99); p99 > 100*time.Millisecond {
		t.Errorf("embedded p99 %v, want under 100ms", p99)
	}

	env := distributedEnv(t)
	api := start(t, "api", env...)
	start(t, "worker", env...)
	ds = measureLatency(t, api.URL, api.URL, lines)
	t.Logf("distributed: write→client latency over %d lines: p50 %v, p99 %v, max %v", lines, pct(ds, .5), pct(ds, .99), ds[len(ds)-1])
	if p99 := pct(ds, .99); p99 > 200*time.Millisecond {
		t.Errorf("distributed p99 %v, want under 200ms", p99)
	}

	// 1000 idle SSE connections to one session's events.
	sid := newSession(t, p.URL, "python", "print(1)")
	time.Sleep(time.Second) // a measurement, not a wait: the process's memory settles after the runs above
	before := rss(t, p.cmd.Process.Pid)
	const conns = 1000
	for range conns {
		c, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := fmt.Fprintf(c, "GET /code-sessions/%s/events HTTP/1.1\r\nHost: livecode\r\n\r\n", sid); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 512)
		if _, err := c.Read(buf); err != nil { // the headers and the retry line: the stream is open
			t.Fatal(err)
		}
	}
	time.Sleep(2 * time.Second) // a measurement, not a wait: the connections' memory settles
	after := rss(t, p.cmd.Process.Pid)
	t.Logf("%d idle SSE connections: RSS %d KiB → %d KiB, %.1f KiB per connection", conns, before, after,
		float64(after-before)/conns)
	if per := float64(after-before) / conns; per > 128 {
		t.Errorf("%.1f KiB per idle SSE connection, want under 128 KiB", per)
	}
	if status := call(t, "GET", p.URL+"/healthz", nil, nil); status != 200 {
		t.Errorf("healthz with %d streams open: %d", conns, status)
	}
}

// TestMeasureCompileCache reports first against cached runs, end to end (POST to a terminal
// status, seen by the client), of the compiled languages. LIVECODE_MEASURE=1 enables it; it
// fails when the cache does not make Go and Rust at least 5 times faster.
func TestMeasureCompileCache(t *testing.T) {
	if os.Getenv("LIVECODE_MEASURE") != "1" {
		t.Skip("set LIVECODE_MEASURE=1 to measure")
	}
	p, _ := startLanguages(t, 61800)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	for _, lang := range []string{"c", "cpp", "go", "rust", "java"} {
		code := corpus[lang].hello
		first := runOnce(ctx, t, p.URL, lang, code, nil)
		const cachedRuns = 5
		var cached float64
		for range cachedRuns {
			r := runOnce(ctx, t, p.URL, lang, code, nil)
			if r.Status != "COMPLETED" || r.CompileTimeMS != nil {
				t.Fatalf("%s cached run: %s/%s compile time %v", lang, r.Status, r.Reason, r.CompileTimeMS)
			}
			cached += r.elapsed / cachedRuns
		}
		if first.Status != "COMPLETED" || first.CompileTimeMS == nil {
			t.Fatalf("%s first run: %s/%s compile time %v", lang, first.Status, first.Reason, first.CompileTimeMS)
		}
		speedup := first.elapsed / cached
		t.Logf("%-5s first %7.3fs (compile %5dms)  cached %7.3fs  %5.1fx", lang, first.elapsed, *first.CompileTimeMS, cached, speedup)
		if (lang == "go" || lang == "rust") && speedup < 5 {
			t.Errorf("%s: cached run only %.1fx faster, want at least 5x", lang, speedup)
		}
	}
}
