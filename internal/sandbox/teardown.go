// Teardown: removing a finished run's cgroup and work dir after its result is returned.

package sandbox

import (
	"errors"
	"sync"
)

// teardown collects what a run leaves to remove once every process of it is dead: its cgroups
// and its work dir. Run returns the result first and removes them in the background, and Wait
// waits for them. The run's slot (and so its uid) is reused once every step's checks pass:
// its processes are gone and reaped, so nothing of the uid is left to meet the next run (an
// empty cgroup and a tmpfs no other jail binds are not). Without checks, or if one fails, the
// slot waits for the whole teardown.
type teardown struct {
	checks []func() bool
	fns    []func() error
}

// add registers f; they run in reverse order, like defers.
func (t *teardown) add(f func() error) { t.fns = append(t.fns, f) }

// check registers f, which reports whether its step left no process, reaped; the checks run
// before the fns.
func (t *teardown) check(f func() bool) { t.checks = append(t.checks, f) }

// clean runs every check and reports whether all passed (false when there are none).
func (t *teardown) clean() bool {
	ok := len(t.checks) > 0
	for _, f := range t.checks {
		ok = f() && ok
	}
	return ok
}

func (t *teardown) run() error {
	var errs []error
	for i := len(t.fns) - 1; i >= 0; i-- {
		errs = append(errs, t.fns[i]())
	}
	return errors.Join(errs...)
}

// pending tracks teardowns in progress. backlog bounds them: a run takes a token of it before
// its slot and gives it back once its teardown is over, so runs that free their slots early
// wait rather than let teardowns pile up behind a burst.
type pending struct {
	wg      sync.WaitGroup
	backlog chan struct{}
}

// Wait returns once the cgroups and work dirs of every finished run are removed. Call it before
// the process exits (what is left by a crash is swept by the next New).
// It waits as well for the discards of prepared jails in progress.
func (s *Sandbox) Wait() {
	s.pending.wg.Wait()
	s.warm.busy.Lock()
	s.warm.busy.Unlock() //nolint:staticcheck // waits for the discards in progress
}

// finish removes a finished run's leftovers in the background, prepares the slot's next jail
// for next (when set) and frees the slot (see teardown), gives back its backlog token and reports
// the run's stages (name is the run's).
func (s *Sandbox) finish(t *teardown, slot int, tl *timeline, name string, next *warmSpec) {
	s.pending.wg.Add(1)
	go func() {
		defer s.pending.wg.Done()
		freed := t.clean()
		if freed {
			s.prepareWarm(slot, next)
			s.slots <- slot
		}
		if err := t.run(); err != nil {
			s.cfg.Logger.Error("sandbox: teardown", "err", err)
		}
		if !freed {
			s.prepareWarm(slot, next)
			s.slots <- slot
		}
		<-s.pending.backlog
		tl.mark(StageTeardown)
		tl.report(s.cfg.Stages, s.cfg.Logger, name)
	}()
}
