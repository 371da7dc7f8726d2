// Stage timings: every stage of a run is reported once, after its teardown.

package sandbox_test

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/sandbox"
)

// stageLog collects what a sandbox reports to Config.Stages.
type stageLog struct {
	mu     sync.Mutex
	stages []string
	sums   map[string]time.Duration
}

func (l *stageLog) observe(stage string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sums == nil {
		l.sums = map[string]time.Duration{}
	}
	l.stages = append(l.stages, stage)
	l.sums[stage] += d
}

func TestStagesReported(t *testing.T) {
	t.Parallel()
	var log stageLog
	var lines lockedBuffer
	logger := slog.New(slog.NewTextHandler(&lines, &slog.HandlerOptions{Level: slog.LevelDebug}))
	bd := setup(t, sandbox.Config{UIDBase: 75000, Slots: 1, Stages: log.observe, Logger: logger})
	if res := bd.run(t, "python", "print('hi')", "", execution.Limits{}); res.Status != execution.StatusCompleted {
		t.Fatalf("run: %+v", res)
	}
	bd.sb.Wait() // the stages are reported once the teardown is over
	want := []string{sandbox.StageSlotWait, sandbox.StageWorkDir, sandbox.StagePrepare, sandbox.StageCgroup,
		sandbox.StageStart, sandbox.StageHold, sandbox.StageConfine, sandbox.StageRelease, sandbox.StageProgram,
		sandbox.StageWait, sandbox.StageUsage, sandbox.StageClassify, sandbox.StageTeardown}
	log.mu.Lock()
	defer log.mu.Unlock()
	if !slices.Equal(log.stages, want) {
		t.Fatalf("stages = %v, want %v", log.stages, want)
	}
	if log.sums[sandbox.StageProgram] <= 0 {
		t.Errorf("program stage took %v", log.sums[sandbox.StageProgram])
	}
	var stageLines []string
	for _, l := range strings.Split(lines.String(), "\n") {
		if strings.Contains(l, `msg="sandbox: run stages"`) {
			stageLines = append(stageLines, l)
		}
	}
	if len(stageLines) != 1 {
		t.Fatalf("%d debug lines of stages, want 1:\n%s", len(stageLines), lines.String())
	}
	for _, s := range want {
		if !strings.Contains(stageLines[0], " "+s+"_ms=") {
			t.Errorf("the debug line lacks %s: %s", s, stageLines[0])
		}
	}
}

// lockedBuffer is a log destination safe for concurrent writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// spanLog collects what a run reports to its Spec.Stages.
type spanLog struct {
	mu     sync.Mutex
	stages []string
	starts []time.Time
	ends   []time.Time
}

func (l *spanLog) observe(stage string, start, end time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stages = append(l.stages, stage)
	l.starts, l.ends = append(l.starts, start), append(l.ends, end)
}

// TestSpecStagesTimeline: each run tells its own Spec.Stages its stages, back to back, the
// compile step (a failed one too) as one stage of its own.
func TestSpecStagesTimeline(t *testing.T) {
	t.Parallel()
	var total stageLog
	bd := setup(t, sandbox.Config{UIDBase: 87000, Slots: 1, Stages: total.observe})
	run := []string{sandbox.StagePrepare, sandbox.StageCgroup, sandbox.StageStart, sandbox.StageHold,
		sandbox.StageConfine, sandbox.StageRelease, sandbox.StageProgram, sandbox.StageWait, sandbox.StageUsage,
		sandbox.StageClassify, sandbox.StageTeardown}
	for _, tc := range []struct {
		lang, code string
		status     execution.Status
		want       []string
	}{
		{"python", "print('hi')", execution.StatusCompleted, append([]string{sandbox.StageSlotWait, sandbox.StageWorkDir}, run...)},
		{"c", "int main(void) { return 0; }", execution.StatusCompleted,
			append([]string{sandbox.StageSlotWait, sandbox.StageWorkDir, sandbox.StageCompile}, run...)},
		{"c", "int main(void) { return x; }", execution.StatusFailed,
			[]string{sandbox.StageSlotWait, sandbox.StageWorkDir, sandbox.StageCompile, sandbox.StageTeardown}},
	} {
		l, ok := bd.langs.Lookup(tc.lang)
		if !ok || !l.Available {
			t.Fatalf("language %s not available", tc.lang)
		}
		var log spanLog
		begin := time.Now()
		res, err := bd.sb.Run(t.Context(), sandbox.Spec{Language: l, Files: []execution.File{{Content: tc.code}}, Stages: log.observe})
		if err != nil || res.Status != tc.status {
			t.Fatalf("%s %q: %+v %v", tc.lang, tc.code, res, err)
		}
		bd.sb.Wait() // the teardown's stage comes after Run
		log.mu.Lock()
		if !slices.Equal(log.stages, tc.want) {
			t.Errorf("%s %q: stages %v, want %v", tc.lang, tc.code, log.stages, tc.want)
		}
		for i := range log.stages {
			prev := begin
			if i > 0 {
				prev = log.ends[i-1]
			}
			if log.starts[i].Before(prev) || (i > 0 && !log.starts[i].Equal(prev)) || log.ends[i].Before(log.starts[i]) {
				t.Errorf("%s: stage %s from %v to %v after one ending %v", tc.lang, log.stages[i], log.starts[i], log.ends[i], prev)
			}
		}
		log.mu.Unlock()
	}
	total.mu.Lock()
	defer total.mu.Unlock()
	if total.sums[sandbox.StageCompile] <= 0 {
		t.Errorf("Config.Stages saw the compile stage take %v", total.sums[sandbox.StageCompile])
	}
}
