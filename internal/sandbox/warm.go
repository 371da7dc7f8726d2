// Warm jails: a slot's next jail is prepared when its run ends, so that the next run of the same
// language only writes its files, sets its limits and releases the hold.

package sandbox

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"livecode/internal/language"
)

const (
	// WarmIdle is how long a prepared jail waits for its run: past it, it is discarded, so an
	// idle service holds no processes of its slots.
	WarmIdle = 5 * time.Minute
	// warmCopyBytes and warmCopyFiles bound a cached build that a warm run copies into its work
	// dir (a copy within memory: the tmpfs); a larger one runs cold, its cache entry joined as an
	// overlay (see useArtifacts).
	warmCopyBytes = 16 << 20
	warmCopyFiles = 256
)

// prepared is a jail made ahead for a slot: a fresh tmpfs work dir, the run's cgroup, the
// pipes, and bubblewrap started with the exact command line of a run step and held at
// --block-fd. It serves one run, never more; whatever else becomes of it, it is discarded.
type prepared struct {
	key    string
	name   string // the run's name: its cgroup and work dir
	wd     *workDir
	jl     *jail
	h      *held
	limits cgroupLimits // the cgroup's limits as made
	stale  *time.Timer
	used   bool // taken over by its run's step, which then owns what it holds
}

// warmSpec is what to prepare a slot's next jail for: the run step of the run that just used it.
type warmSpec struct {
	key string
	job step
}

// warmJails are the slots' prepared jails, one at most per slot.
type warmJails struct {
	mu     sync.Mutex
	closed bool
	slots  []*prepared
	// busy is held for reading by each discard outside a run's teardown (a stale jail, Close):
	// Wait and Close take it for writing to wait for them.
	busy sync.RWMutex
}

// warmKey is what determines a run step's bubblewrap command line, besides the slot: the
// language, its version, the program's argv, its environment and mounts. The NULs separate
// what no argv, variable or path holds.
func warmKey(lang language.Language, argv, env []string) string {
	parts := append([]string{lang.ID, lang.Version, "\x00argv"}, argv...)
	parts = append(append(parts, "\x00env"), env...)
	parts = append(append(parts, "\x00mounts"), lang.Mounts...)
	return strings.Join(parts, "\x00")
}

// takeWarm returns slot's prepared jail if it was made for key and is still held, or nil. A
// jail that does not serve is discarded in the run's teardown (td), whose slot then waits for it.
func (s *Sandbox) takeWarm(slot int, key string, td *teardown) *prepared {
	s.warm.mu.Lock()
	p := s.warm.slots[slot]
	s.warm.slots[slot] = nil
	s.warm.mu.Unlock()
	if p == nil {
		return nil
	}
	p.stale.Stop() // fired: it found the slot taken and leaves p alone
	if p.key == key && p.h.l.held() {
		return p
	}
	s.discardIn(td, p, false)
	return nil
}

// discardIn discards p in teardown td, p's work dir too unless the run owns it.
func (s *Sandbox) discardIn(td *teardown, p *prepared, keepWorkDir bool) {
	p.used = true
	td.check(func() bool { return false }) // the slot's uid is free once p's processes are gone
	td.add(func() error { return s.discard(p, keepWorkDir) })
}

// prepareWarm prepares slot's next jail for next (nil: none). A failure only logs: the slot's
// next run starts cold.
func (s *Sandbox) prepareWarm(slot int, next *warmSpec) {
	if next == nil {
		return
	}
	start := time.Now()
	p, err := s.prepare(next)
	if err != nil {
		s.cfg.Logger.Warn("sandbox: prepare a warm jail", "err", err)
		return
	}
	if s.cfg.Stages != nil {
		s.cfg.Stages(StageWarmPrepare, time.Since(start))
	}
	s.warm.mu.Lock()
	defer s.warm.mu.Unlock()
	if s.warm.closed {
		s.discardAsync(p)
		return
	}
	s.warm.slots[slot] = p
	p.stale = time.AfterFunc(WarmIdle, func() {
		s.warm.mu.Lock()
		defer s.warm.mu.Unlock()
		if s.warm.slots[slot] == p {
			s.warm.slots[slot] = nil
			s.discardAsync(p)
		}
	})
}

// discardAsync discards p in the background, for Wait and Close to wait for. Call it with
// s.warm.mu held, which orders it before any Close.
func (s *Sandbox) discardAsync(p *prepared) {
	s.warm.busy.RLock()
	go func() {
		defer s.warm.busy.RUnlock()
		if err := s.discard(p, false); err != nil {
			s.cfg.Logger.Error("sandbox: discard a warm jail", "err", err)
		}
	}()
}

// prepare makes a jail for next's run step in a fresh work dir. On failure nothing of it is left.
func (s *Sandbox) prepare(next *warmSpec) (*prepared, error) {
	p := &prepared{key: next.key, name: opaqueID(), limits: s.stepLimits(next.job.limits)}
	var err error
	if p.wd, err = s.newWorkDir(p.name, next.job.uid); err != nil {
		return nil, err
	}
	j := next.job
	j.name, j.dir, j.tl, j.later, j.work, j.warm = p.name, p.wd.path, nil, nil, "", nil
	p.jl, err = s.openJail(nil, true)
	if err == nil {
		p.h, err = s.holdBwrap(p.jl.cmd, j, &p.jl.files, p.limits)
	}
	if err != nil {
		s.kids.reapOrphans() // the held child of a failed hold
		s.kids.forget(p.jl.cmd)
		p.jl.files.closeAll()
		return nil, errors.Join(err, p.wd.remove())
	}
	return p, nil
}

// takeOver starts j's program in its prepared jail: the cgroup gets j's limits when they differ
// from those it was made with, the held child j's rlimits, the counters their baseline, and the
// hold is released. On failure nothing of the jail is left but the work dir, which is the run's.
func (s *Sandbox) takeOver(j step) (*jail, error) {
	p := j.warm
	p.used = true
	jl := p.jl
	var err error
	if l := s.stepLimits(j.limits); l != p.limits {
		if err = errors.Join(s.fault("warm limits"), p.h.cg.limit(l)); err != nil {
			err = p.h.abort(err)
		}
	}
	if err == nil {
		jl.r, err = s.releaseBwrap(p.h, j)
	}
	if err != nil {
		s.kids.reapOrphans()
		s.kids.forget(jl.cmd)
		jl.files.closeAll()
		return nil, err
	}
	return jl, nil
}

// discard kills p's held processes, reaps them and removes its cgroup, descriptors and (unless
// keepWorkDir) work dir.
func (s *Sandbox) discard(p *prepared, keepWorkDir bool) error {
	p.h.l.abort()
	err := p.h.cg.kill()
	p.h.l.reap()
	p.h.l.close()
	s.kids.reapOrphans()
	s.kids.forget(p.jl.cmd)
	p.jl.files.closeAll()
	err = errors.Join(err, p.h.cg.remove())
	if !keepWorkDir {
		err = errors.Join(err, p.wd.remove())
	}
	return err
}

// dropWarm discards every prepared jail and waits for the discards in progress; when closing,
// no jail is prepared afterwards.
func (s *Sandbox) dropWarm(closing bool) error {
	s.warm.mu.Lock()
	s.warm.closed = s.warm.closed || closing
	taken := s.warm.slots
	s.warm.slots = make([]*prepared, len(taken))
	s.warm.mu.Unlock()
	var errs []error
	for _, p := range taken {
		if p != nil {
			p.stale.Stop()
			errs = append(errs, s.discard(p, false))
		}
	}
	s.warm.busy.Lock()
	s.warm.busy.Unlock() //nolint:staticcheck // waits for the discards in progress
	return errors.Join(errs...)
}

// copySmall copies the cache entry dir into the work dir's work/ when it is within the warm
// copy bounds, and reports whether it did. Entries are root's and never change once made.
func copySmall(wd *workDir, dir string) (bool, error) {
	var size int64
	files := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if files++; files > warmCopyFiles {
			return fs.SkipAll
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			size += info.Size()
		}
		return nil
	})
	if err != nil || files > warmCopyFiles || size > warmCopyBytes {
		return false, nil
	}
	if err := copyArtifactsInto(wd, dir, warmCopyBytes, warmCopyFiles); err != nil {
		return false, err
	}
	return true, nil
}

// held reports whether l's child still waits at --block-fd: it has not exited.
func (l *launch) held() bool {
	if l.pidfd < 0 {
		return false
	}
	fds := []unix.PollFd{{Fd: int32(l.pidfd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n == 0
}
