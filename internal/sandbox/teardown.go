// Teardown: removing a finished run's cgroup and work dir after its result is returned.
package sandbox

import (
	"errors"
	"sync"
)

// teardown collects what a run leaves to remove once every process of it is dead: its cgroups
// and its work dir. Run returns the result first and removes them in the background; the run's
// slot (and so its uid) is reused only after they are gone, and Wait waits for them.
type teardown struct {
	fns []func() error
}

// add registers f; they run in reverse order, like defers.
func (t *teardown) add(f func() error) { t.fns = append(t.fns, f) }

func (t *teardown) run() error {
	var errs []error
	for i := len(t.fns) - 1; i >= 0; i-- {
		errs = append(errs, t.fns[i]())
	}
	return errors.Join(errs...)
}

// pending tracks teardowns in progress.
type pending struct{ wg sync.WaitGroup }

// Wait returns once the cgroups and work dirs of every finished run are removed. Call it before
// the process exits (what is left by a crash is swept by the next New).
func (s *Sandbox) Wait() { s.pending.wg.Wait() }

// finish removes a finished run's leftovers in the background, then frees its slot and
// reports the run's stages (name is the run's).
func (s *Sandbox) finish(t *teardown, slot int, tl *timeline, name string) {
	s.pending.wg.Add(1)
	go func() {
		defer s.pending.wg.Done()
		if err := t.run(); err != nil {
			s.cfg.Logger.Error("sandbox: teardown", "err", err)
		}
		s.slots <- slot
		tl.mark(StageTeardown)
		tl.report(s.cfg.Stages, s.cfg.Logger, name)
	}()
}
