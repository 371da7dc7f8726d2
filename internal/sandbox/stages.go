// Stage timings of a run: where its time goes, told to Config.Stages and logged in one debug line.

package sandbox

import (
	"log/slog"
	"time"
)

// The stages of a run, in the order they happen. A stage's duration runs from the end of the
// stage before it, so together they cover the run from its slot to the end of its teardown.
const (
	StageSlotWait = "slot_wait" // waiting for a free slot
	StageWorkDir  = "work_dir"  // the tmpfs mounted, work/ and tmp/ made, the program's files written
	StageCompile  = "compile"   // compiled languages: the compile step or the cache's entry
	StagePrepare  = "prepare"   // pipes, the etc tree and bubblewrap's options
	StageCgroup   = "cgroup"    // the run's cgroup made and limited
	StageStart    = "start"     // bubblewrap (or runsc) forked and exec'd into its cgroup
	StageHold     = "hold"      // until bubblewrap's child has set up the jail and waits at --block-fd
	StageConfine  = "confine"   // the held child's rlimits set
	StageRelease  = "release"   // the hold released
	StageProgram  = "program"   // from the release until bubblewrap (or runsc) exits
	StageWait     = "wait"      // until the sandbox's processes are gone and its output read
	StageUsage    = "usage"     // the cgroup's accounting read
	StageClassify = "classify"  // the result built; Run returns after this stage
	StageTeardown = "teardown"  // after the result: the cgroup removed, the work dir unmounted
)

// StageWarmPrepare is told apart from a run's stages: the making of a slot's next jail (work dir,
// pipes, cgroup, bubblewrap started and held), after a run and off every run's critical path.
// A run that takes the jail over has no work dir mount, prepare, cgroup, start or hold stage:
// its work_dir stage only writes its files.
const StageWarmPrepare = "warm_prepare"

// stageCountLimit bounds the marks of one run: more are dropped.
const stageCountLimit = 16

// timeline records the stages of one run. A nil timeline records nothing (the compile step of a
// compiled language is timed as one stage by Run). It is used by one goroutine at a time: the
// run's, then its teardown's.
type timeline struct {
	last   time.Time
	stages []stageTime
	each   func(stage string, start, end time.Time) // the run's Spec.Stages; nil: none
}

type stageTime struct {
	name string
	d    time.Duration
}

func newTimeline(start time.Time) *timeline {
	return &timeline{last: start, stages: make([]stageTime, 0, stageCountLimit)}
}

// mark ends stage name now.
func (t *timeline) mark(name string) {
	if t == nil || len(t.stages) == stageCountLimit {
		return
	}
	now := time.Now()
	t.stages = append(t.stages, stageTime{name, now.Sub(t.last)})
	if t.each != nil {
		t.each(name, t.last, now)
	}
	t.last = now
}

// report tells each stage to observe (when set) and logs them in one debug line.
func (t *timeline) report(observe func(stage string, d time.Duration), log *slog.Logger, name string) {
	if t == nil {
		return
	}
	var total time.Duration
	attrs := make([]any, 0, 2*len(t.stages)+4)
	attrs = append(attrs, "run", name)
	for _, s := range t.stages {
		if observe != nil {
			observe(s.name, s.d)
		}
		total += s.d
		attrs = append(attrs, s.name+"_ms", float64(s.d.Microseconds())/1000)
	}
	attrs = append(attrs, "total_ms", float64(total.Microseconds())/1000)
	log.Debug("sandbox: run stages", attrs...)
}
