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
