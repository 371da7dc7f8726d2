// Sandbox construction and Run: one program, optionally compiled first, in a fresh jail.

package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"livecode/internal/compilecache"
	"livecode/internal/execution"
	"livecode/internal/language"
)

// Sandbox runs programs under bubblewrap (or gVisor's runsc), each in its own cgroup, tmpfs and uid.
// It is safe for concurrent use by up to Config.Slots runs; more wait for a slot.
type Sandbox struct {
	cfg     Config
	inst    *instance
	cgroups cgroupDriver
	seccomp []byte   // assembled once: the filter is the same for every run
	mounts  []string // bubblewrap arguments of the host's toolchain paths
	slots   chan int
	warm    warmJails
	pending pending
	kids    children
	faults  func(point string) error // set by tests only: see fault
	// copyArtifacts: a cached build is copied into the run's tmpfs, not joined as an overlay
	// (gVisor, or a kernel without overlayfs).
	copyArtifacts bool
}

// New checks the host, removes what runs of processes that are gone left behind and prepares
// a Sandbox. It returns an error when the configuration is invalid, bubblewrap (level bwrap) or
// runsc (level gvisor) is missing, the cgroup controllers are not usable below the cgroup
// parent or the work root cannot be created.
func New(cfg Config) (*Sandbox, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(cfg.BwrapPath); err != nil && cfg.Level == "bwrap" {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if os.Geteuid() != 0 {
		return nil, errors.New("sandbox: must run as root to create cgroups and switch uids")
	}
	if cfg.FavorDynMods {
		if ok, err := favorDynMods(); !ok {
			cfg.Logger.Warn("sandbox: cgroup2 favordynmods not set: every run pays a slow cgroup join", "err", err)
		}
	}
	prog, err := seccompProgram()
	if err != nil {
		return nil, err
	}
	if err := makeWorkRoot(cfg.WorkRoot); err != nil {
		return nil, err
	}
	// A cached build joins a run as an overlay, whose options give these characters a meaning.
	if cfg.Cache != nil && strings.ContainsAny(cfg.Cache.Dir()+cfg.WorkRoot, ",:\\") {
		return nil, fmt.Errorf("sandbox: the work root and the compile cache's path may not hold , : or \\")
	}
	copyArtifacts := cfg.Level == "gvisor"
	if cfg.Cache != nil && cfg.Level == "bwrap" {
		if err := probeOverlay(cfg.WorkRoot); err != nil {
			cfg.Logger.Warn("sandbox: no overlayfs: cached builds are copied into each run", "err", err)
			copyArtifacts = true
		}
	}
	if cfg.Level == "gvisor" {
		if err := gvisorCheck(cfg); err != nil {
			return nil, err
		}
	}
	// A cached build copied into the run's tmpfs must fit there.
	if b := cfg.Cache; b != nil && copyArtifacts && (b.Bounds().MaxEntryBytes > cfg.TmpfsBytes || b.Bounds().MaxEntryFiles > cfg.TmpfsInodes) {
		return nil, fmt.Errorf("sandbox: compile cache entries (%+v) may not fit a run's work dir", b.Bounds())
	}
	if err := closeOnExec(); err != nil {
		return nil, err
	}
	if err := becomeSubreaper(); err != nil {
		return nil, fmt.Errorf("sandbox: become a child subreaper: %w", err)
	}
	inst, err := newInstance(cfg.WorkRoot)
	if err != nil {
		return nil, err
	}
	driver, err := newCgroupDriver(cfg.CgroupParent, inst.id)
	if err != nil {
		_, _ = removeInstanceDir(inst.dir)
		inst.lock.Close()
		return nil, err
	}
	sweepLeftovers(cfg, driver) // this instance's lock is held: the sweep leaves it alone
	cfg.Logger.Info("sandbox: ready", "instance", inst.id, "work_dir", inst.dir, "cgroup_parent", cfg.CgroupParent, "level", cfg.Level)
	s := &Sandbox{cfg: cfg, inst: inst, cgroups: driver, kids: children{started: map[int]bool{}}, seccomp: prog,
		copyArtifacts: copyArtifacts, mounts: bwrapStatic(cfg, filepath.Join(inst.dir, "dev")), slots: make(chan int, cfg.Slots),
		pending: pending{backlog: make(chan struct{}, 2*cfg.Slots)}, warm: warmJails{slots: make([]*prepared, cfg.Slots)}}
	for i := range cfg.Slots {
		s.slots <- i
	}
	return s, nil
}

// Close waits for the teardown of every finished run (see Wait), then removes this process's
// instance cgroup and work dir. Runs must not be in progress or started afterwards. It returns
// an error when something is left behind, which the next start's sweep removes.
func (s *Sandbox) Close() error {
	s.Wait()
	err := errors.Join(s.dropWarm(true), s.cgroups.close())
	if _, rerr := removeInstanceDir(s.inst.dir); rerr != nil {
		err = errors.Join(err, fmt.Errorf("sandbox: remove instance dir: %w", rerr))
	}
	return errors.Join(err, s.inst.lock.Close())
}

// Run runs spec's program and reports what it did. What the program does (exit status, signal,
// limits hit, compile errors) is in the Result, never an error. Run returns an error when the
// sandbox itself fails, when spec is malformed (no language, bad file names), or, with the
// program killed and a partial Result, when ctx ends first (ctx.Err() wrapped).
func (s *Sandbox) Run(ctx context.Context, spec Spec) (res execution.Result, err error) {
	lang := spec.Language
	job, files, err := s.runJob(spec)
	if err != nil {
		return res, err
	}
	tl := newTimeline(time.Now())
	tl.each = spec.Stages
	slot, err := s.takeSlot(ctx)
	if err != nil {
		return res, err
	}
	tl.mark(StageSlotWait)
	job.uid = s.cfg.UIDBase + slot
	// The steps kill every process of theirs before they return; what is left to remove (the
	// cgroups, then the work dir) goes after the result, off the run's critical path.
	td := &teardown{}
	key := warmKey(lang, job.argv, job.env)
	warm := s.takeWarm(slot, key, td)
	name, wd, err := s.runWorkDir(warm, job.uid)
	if err != nil {
		s.slots <- slot
		<-s.pending.backlog
		return res, err
	}
	td.add(func() error { return errors.Join(wd.remove(), s.fault("work dir remove")) })
	var next *warmSpec // what the slot's next jail is prepared for
	defer func() {
		if warm != nil && !warm.used {
			s.discardIn(td, warm, true)
		}
		s.finish(td, slot, tl, name, next)
	}()
	if err := errors.Join(s.fault("write files"), wd.writeFiles(files, job.uid)); err != nil {
		return res, err
	}
	tl.mark(StageWorkDir)
	job.dir, job.later = wd.path, td
	if lang.Compiles() {
		var done bool
		if res, done, err = s.compileRun(ctx, &job, lang, files, wd, &warm); err != nil || done {
			if err == nil { // a failed compile: its time is its stage's, not the teardown's
				tl.mark(StageCompile)
				if s.cfg.Warm {
					next = &warmSpec{key: key, job: job}
				}
			}
			return res, err
		}
		tl.mark(StageCompile)
	}
	job.name, job.tl, job.warm = name, tl, warm
	run, err := s.runStep(ctx, job, res)
	if err == nil && s.cfg.Warm {
		next = &warmSpec{key: key, job: job}
	}
	return run, err
}

// runJob checks spec and returns its run step (without slot or work dir) and its files.
func (s *Sandbox) runJob(spec Spec) (step, []execution.File, error) {
	lang := spec.Language
	if len(lang.Run) == 0 {
		return step{}, nil, fmt.Errorf("sandbox: language %q has no run command", lang.ID)
	}
	env := append(sandboxEnv(), lang.Env...)
	argv := append(append([]string(nil), lang.Run...), spec.Args...)
	if err := checkArgv(argv, env, s.cfg.StackBytes); err != nil {
		return step{}, nil, err
	}
	files := append([]execution.File(nil), spec.Files...)
	if len(files) > 0 && files[0].Name == "" {
		files[0].Name = lang.SourceFile
	}
	return step{env: env, mounts: mountArgs(lang.Mounts), langMounts: lang.Mounts, argv: argv,
		limits: fillLimits(spec.Limits, fillLimits(lang.Limits, s.cfg.Defaults)), stdin: spec.Stdin, live: spec.Output}, files, nil
}

// takeSlot waits for a backlog token, then for a free slot.
func (s *Sandbox) takeSlot(ctx context.Context) (int, error) {
	select {
	case s.pending.backlog <- struct{}{}:
	case <-ctx.Done():
		return 0, fmt.Errorf("sandbox: waiting for a slot: %w", ctx.Err())
	}
	select {
	case slot := <-s.slots:
		return slot, nil
	case <-ctx.Done():
		<-s.pending.backlog
		return 0, fmt.Errorf("sandbox: waiting for a slot: %w", ctx.Err())
	}
}

// runWorkDir is the run's name and work dir: the prepared jail's when there is one, else new.
func (s *Sandbox) runWorkDir(warm *prepared, uid int) (string, *workDir, error) {
	if warm != nil {
		return warm.name, warm.wd, nil
	}
	// Opaque: it names the run's cgroup and work dir, which the program may learn.
	name := opaqueID()
	wd, err := s.newWorkDir(name, uid)
	return name, wd, err
}

// compileRun runs job's compile step (a cold step of its own, in the run's work dir) or finds
// its output in the cache, and makes that output part of the run step's work dir: copied, for a
// warm run whose jail already binds work/, when it is small; else joined as an overlay, *warm
// then discarded. done reports that the run ends here: its Result is res.
func (s *Sandbox) compileRun(ctx context.Context, job *step, lang language.Language, files []execution.File, wd *workDir,
	warm **prepared) (res execution.Result, done bool, err error) {
	td := job.later
	compileJob := *job // without the run's stdin and live output, which are the run step's
	compileJob.name, compileJob.stdin, compileJob.live = opaqueID(), nil, nil
	c, err := s.compile(ctx, compileJob, lang, files)
	td.add(func() error { // the entry stays pinned while it is mounted
		if c.release != nil {
			c.release()
		}
		return nil
	})
	if err != nil || c.failed {
		return c.result, true, err
	}
	if c.artifacts == "" {
		return c.result, false, nil
	}
	if *warm != nil {
		copied, err := copySmall(wd, c.artifacts)
		if err != nil || copied {
			return c.result, err != nil, err
		}
		s.discardIn(td, *warm, true) // too large to copy: cold, with the overlay
		*warm = nil
	}
	td.add(wd.unmountOverlay) // runs before the release above: unpinned once unmounted
	return c.result, false, s.useArtifacts(job, wd, c.artifacts)
}

// runStep runs the run step and builds the run's Result; compiled holds the compile step's.
func (s *Sandbox) runStep(ctx context.Context, job step, compiled execution.Result) (execution.Result, error) {
	out, err := s.step(ctx, job)
	if err != nil {
		return compiled, err
	}
	run := s.classify(out, job.limits)
	job.tl.mark(StageClassify)
	run.CompileOutput, run.CompileTimeMS = compiled.CompileOutput, compiled.CompileTimeMS
	if out.canceled {
		run.Status, run.Reason = execution.StatusCancelled, execution.ReasonCancelled
		return run, fmt.Errorf("sandbox: run interrupted: %w", ctx.Err())
	}
	return run, nil
}

// newWorkDir makes the work dir of run name.
func (s *Sandbox) newWorkDir(name string, uid int) (*workDir, error) {
	if err := s.fault("work dir"); err != nil {
		return nil, fmt.Errorf("sandbox: work dir: %w", err)
	}
	return newWorkDir(filepath.Join(s.inst.dir, name), uid, s.cfg.TmpfsBytes, s.cfg.TmpfsInodes)
}

// useArtifacts makes a cache entry's files part of job's work dir: an overlay of the entry under
// the work dir, bound as /work (see overlay), unmounted by wd.remove; or a copy (copyArtifacts).
func (s *Sandbox) useArtifacts(job *step, wd *workDir, dir string) error {
	if s.copyArtifacts {
		return copyArtifactsInto(wd, dir, s.cfg.TmpfsBytes, s.cfg.TmpfsInodes)
	}
	if err := s.fault("overlay"); err != nil {
		return fmt.Errorf("sandbox: overlay: %w", err)
	}
	view, err := wd.overlay(dir)
	job.work = view
	return err
}

// copyArtifactsInto copies the cache entry dir into the work dir's work/, within the bounds.
func copyArtifactsInto(wd *workDir, dir string, maxBytes int64, maxFiles int) error {
	if _, err := compilecache.CopyTree(filepath.Join(wd.path, "work"), dir, maxBytes, maxFiles); err != nil {
		return fmt.Errorf("sandbox: copy cached artifacts: %w", err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
