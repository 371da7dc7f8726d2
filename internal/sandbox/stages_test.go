// Stage timings: every stage of a run is reported once, after its teardown.
package sandbox_test

import (
	"slices"
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
	bd := setup(t, sandbox.Config{UIDBase: 75000, Slots: 1, Stages: log.observe})
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
}
