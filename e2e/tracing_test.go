// Tracing end to end: a real `serve` exports one trace per run to an in-process OTLP receiver,
// and the cost of tracing on print("hi"), on against off, in the same run.
package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
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
	serve := func(uidBase int, extra ...string) *proc {
		return start(t, "serve", append([]string{"DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "db.sqlite"),
			"WORKERS=1", fmt.Sprintf("SANDBOX_UID_BASE=%d", uidBase), "CGROUP_PARENT=" + parent,
			"MAX_ACTIVE_PER_SESSION=0", "RUN_RATE_LIMIT=0"}, extra...)...)
	}
	on := serve(78100, "OTEL_EXPORTER_OTLP_ENDPOINT="+rec.URL)
	off := serve(78200)
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	defer cancel()

	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	sid := newSession(t, on.URL, "python", `print("hi")`)
	code, body := post(t, on.URL+"/code-sessions/"+sid+"/run", map[string]any{},
		map[string]string{"traceparent": "00-" + traceID + "-00f067aa0ba902b7-01"})
	id, _ := body["execution_id"].(string)
	if code != 202 || id == "" {
		t.Fatalf("run: %d %v", code, body)
	}
	if e := await(ctx, t, on.URL, id); e.Status != "COMPLETED" {
		t.Fatalf("run: %s %q", e.Status, e.Reason)
	}
	want := []string{"POST /code-sessions/{id}/run", "admission", "enqueue", "execution", "claim", "run", "finish"}
	testsvc.Await(t, 30*time.Second, func() error { // spans leave in batches every 5 s
		if missing := rec.Missing(traceID, want...); len(missing) > 0 {
			return fmt.Errorf("trace lacks %v; has %v", missing, rec.Spans(traceID))
		}
		return nil
	})

	// The cost: print("hi") from POST to the stored result, alternating the two servers.
	sessions := map[*proc]string{on: newSession(t, on.URL, "python", `print("hi")`), off: newSession(t, off.URL, "python", `print("hi")`)}
	times := map[*proc][]time.Duration{}
	for range 15 {
		for _, p := range []*proc{off, on} {
			begin := time.Now()
			if e := awaitEvery(ctx, t, p.URL, run(t, p.URL, sessions[p], nil), time.Millisecond); e.Status != "COMPLETED" {
				t.Fatalf("run: %s %q", e.Status, e.Reason)
			}
			times[p] = append(times[p], time.Since(begin))
		}
	}
	med := func(d []time.Duration) time.Duration {
		slices.Sort(d)
		return d[len(d)/2].Round(100 * time.Microsecond)
	}
	t.Logf("print(\"hi\") end to end, median of 15: tracing off %v, on %v", med(times[off]), med(times[on]))
}
