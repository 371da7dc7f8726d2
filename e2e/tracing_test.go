// Tracing end to end: a real `serve` exports one trace per run to an in-process OTLP receiver,
// and the cost of tracing on print("hi"), on against off, in the same run.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"livecode/internal/proctest"
	"livecode/internal/testsvc"
	"livecode/internal/tracing/tracingtest"
)

func TestTracingEndToEnd(t *testing.T) {
	t.Parallel()
	rec := tracingtest.NewReceiver(t)
	const parent = "livecode-e2e-tracing"
	t.Cleanup(func() { proctest.RemoveCgroups(parent) })
	// Each with its own compile cache, so the first C run compiles.
	on, _ := startLanguages(t, 87100, "WORKERS=1", "CGROUP_PARENT="+parent, "OTEL_EXPORTER_OTLP_ENDPOINT="+rec.URL)
	off, _ := startLanguages(t, 87200, "WORKERS=1", "CGROUP_PARENT="+parent)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Second)
	defer cancel()

	// Runs of an interpreted language, a compiled one and a judged one, each a trace its client started.
	const req = "POST /code-sessions/{id}/run"
	worker := []string{req, "enqueue", "execution"}
	under := func(path ...string) []string { return append(slices.Clone(worker), path...) }
	runStages := []string{"prepare", "cgroup", "start", "hold", "confine", "release", "program", "wait", "usage", "classify"}
	cProgram := "#include <stdio.h>\nint main(void) { int n; if (scanf(\"%d\", &n) != 1) n = 7; printf(\"%d\\n\", n); return 0; }\n"
	for i, tc := range []struct {
		name, lang, code string
		body             map[string]any
		steps            []string // the sandbox span's children, by start
	}{
		{"python", "python", `print("hi")`, map[string]any{}, []string{"slot_wait", "work_dir", "run", "teardown"}},
		{"c", "c", cProgram, map[string]any{}, []string{"slot_wait", "work_dir", "compile", "run", "teardown"}},
		{"judged", "c", cProgram, map[string]any{"tests": []any{
			map[string]any{"stdin": "1", "expected_output": "1\n"}, map[string]any{"stdin": "2", "expected_output": "3\n"}}},
			[]string{"test", "test"}},
	} {
		traceID := fmt.Sprintf("4bf92f3577b34da6a3ce929d0e0e47%02d", i)
		sid := newSession(t, on.URL, tc.lang, tc.code)
		code, body := post(t, on.URL+"/code-sessions/"+sid+"/run", tc.body,
			map[string]string{"traceparent": "00-" + traceID + "-00f067aa0ba902b7-01"})
		id, _ := body["execution_id"].(string)
		if code != 202 || id == "" {
			t.Fatalf("%s run: %d %v", tc.name, code, body)
		}
		e := await(ctx, t, on.URL, id)
		if want := map[bool]string{false: "COMPLETED", true: "FAILED"}[tc.body["tests"] != nil]; e.Status != want {
			t.Fatalf("%s run: %s %q, want %s", tc.name, e.Status, e.Reason, want)
		}
		// Every span the trace should have, by its path from the request's span.
		want := []spanCount{{[]string{req, "admission"}, 1}, {under("claim"), 1}, {under("finish"), 1}, {under("sandbox"), 1}}
		sandbox, n := under("sandbox"), 1
		if tc.name == "judged" {
			want = append(want, spanCount{under("sandbox", "test"), 2})
			sandbox, n = under("sandbox", "test"), 2
		}
		for _, step := range []string{"slot_wait", "work_dir", "run", "teardown"} {
			want = append(want, spanCount{append(slices.Clone(sandbox), step), n})
		}
		if tc.lang == "c" {
			want = append(want, spanCount{append(slices.Clone(sandbox), "compile"), n})
		}
		for _, stage := range runStages {
			want = append(want, spanCount{append(slices.Clone(sandbox), "run", stage), n})
		}
		spans := waitSpans(t, rec, traceID, want)
		sb := tracingtest.Walk(spans, under("sandbox")...)[0]
		if sb.Attrs["language"] != tc.lang || sb.Attrs["status"] != e.Status {
			t.Errorf("%s: sandbox span attrs %v", tc.name, sb.Attrs)
		}
		if got := tracingtest.Children(spans, sb); !slices.Equal(got, tc.steps) {
			t.Errorf("%s: the sandbox span's children %v, want %v", tc.name, got, tc.steps)
		}
		parents := []tracingtest.Span{sb}
		if tc.name == "judged" {
			parents = tracingtest.Walk(spans, under("sandbox", "test")...)
			slices.SortFunc(parents, func(a, b tracingtest.Span) int { return a.Start.Compare(b.Start) })
			for k, verdict := range []string{"accepted", "wrong_answer"} {
				if got := parents[k].Attrs; got["verdict"] != verdict || got["test.index"] != fmt.Sprint(k) {
					t.Errorf("judged: test %d attrs %v, want verdict %s", k, got, verdict)
				}
				if got := tracingtest.Children(spans, parents[k]); !slices.Equal(got, []string{"slot_wait", "work_dir", "compile", "run", "teardown"}) {
					t.Errorf("judged: test %d's children %v", k, got)
				}
			}
		}
		for k, p := range parents {
			run := tracingtest.Walk(spans, p.Name, "run")
			run = slices.DeleteFunc(run, func(s tracingtest.Span) bool { return s.ParentID != p.ID })
			if len(run) != 1 {
				t.Fatalf("%s: %d run spans under %s %d", tc.name, len(run), p.Name, k)
			}
			if got := tracingtest.Children(spans, run[0]); !slices.Equal(got, runStages) {
				t.Errorf("%s: run step's stages %v, want %v", tc.name, got, runStages)
			}
			if run[0].Attrs["exit_code"] != "0" || run[0].Attrs["status"] != "COMPLETED" {
				t.Errorf("%s: run span attrs %v", tc.name, run[0].Attrs)
			}
			// The C program compiled once: its judged tests found it in the cache.
			if tc.lang == "c" {
				compile := slices.DeleteFunc(tracingtest.Walk(spans, "compile"), func(s tracingtest.Span) bool { return s.ParentID != p.ID })
				if want := fmt.Sprint(tc.name == "judged"); len(compile) != 1 || compile[0].Attrs["compile.cached"] != want {
					t.Errorf("%s: compile spans under %s %d: %+v, want compile.cached %s", tc.name, p.Name, k, compile, want)
				}
			}
		}
		for _, s := range spans {
			if s.Error {
				t.Errorf("%s: span %s has an error status: %v", tc.name, s.Name, s.Events)
			}
		}
	}

	// The cost: print("hi") from POST /run to its answer (one request, which waits for the
	// result), alternating the two servers; wall time per run, and the server process's own CPU
	// time per run (its sandboxes' is not counted: it does not change with tracing).
	const rounds = 30
	times := map[*proc][]time.Duration{}
	cpu := map[*proc]time.Duration{}
	for range rounds {
		for _, p := range []*proc{off, on} {
			begin, cpuBegin := time.Now(), cpuOf(t, p)
			if code, body := post(t, p.URL+"/run", map[string]any{"language": "python", "code": `print("hi")`}, nil); code != 200 || body["status"] != "COMPLETED" {
				t.Fatalf("run: %d %v", code, body)
			}
			times[p] = append(times[p], time.Since(begin))
			cpu[p] += cpuOf(t, p) - cpuBegin
		}
	}
	med := func(d []time.Duration) time.Duration {
		slices.Sort(d)
		return d[len(d)/2].Round(100 * time.Microsecond)
	}
	t.Logf("print(\"hi\") end to end, median of %d: tracing off %v, on %v; server CPU per run: off %v, on %v",
		rounds, med(times[off]), med(times[on]), (cpu[off] / rounds).Round(10*time.Microsecond), (cpu[on] / rounds).Round(10*time.Microsecond))
}

// cpuOf is the CPU time process p has used so far, its own (user and system), not its
// children's, in clock ticks of 10 ms.
func cpuOf(t *testing.T, p *proc) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	// The fields after the command's name, which is in parentheses: state is the first, utime the 12th.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("/proc/%d/stat: %q", p.cmd.Process.Pid, b)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// spanCount is how many spans a trace should have at the end of path.
type spanCount struct {
	path []string
	n    int
}

// waitSpans waits until the trace has as many spans at the end of each path as want says
// (spans leave in batches every 5 s; the teardown's comes after the result), fails the test if
// it has more, and returns its spans.
func waitSpans(t *testing.T, rec *tracingtest.Receiver, traceID string, want []spanCount) []tracingtest.Span {
	t.Helper()
	var spans []tracingtest.Span
	testsvc.Await(t, 30*time.Second, func() error {
		spans = rec.Trace(traceID)
		var missing []spanCount
		for _, w := range want {
			if got := len(tracingtest.Walk(spans, w.path...)); got < w.n {
				missing = append(missing, w)
			} else if got > w.n {
				t.Fatalf("trace %s has %d spans at %v, want %d", traceID, got, w.path, w.n)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("trace %s lacks %v; has %v", traceID, missing, rec.Spans(traceID))
		}
		return nil
	})
	return spans
}
