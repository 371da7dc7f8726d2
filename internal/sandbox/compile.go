// The compile step of a run, through the host's compile cache when the Sandbox has one.

package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"livecode/internal/compilecache"
	"livecode/internal/execution"
	"livecode/internal/language"
)

// compiled is the outcome of a run's compile step.
type compiled struct {
	result execution.Result // CompileOutput and CompileTimeMS; Status and Reason when it failed
	failed bool
	// artifacts, when not empty, is the cache entry holding the compile's output, which the
	// run step sees under its work dir (useArtifacts); empty means the work dir holds them.
	artifacts string
	release   func() // unpins artifacts; always safe to call
}

// compile runs the compile step of job in the work dir, or finds its output in the cache.
// CompileTimeMS is set only when the compiler ran for this run.
func (s *Sandbox) compile(ctx context.Context, job step, lang language.Language, files []execution.File) (compiled, error) {
	job.argv, job.limits = lang.Compile, compileLimits(s.cfg.CompileLimits, lang.CompileLimits)
	if s.cfg.Cache == nil {
		return s.compileHere(ctx, job)
	}
	var (
		here     compiled
		ran      bool
		buildErr error // the sandbox failed running this caller's compile
	)
	// A failed compile is not cached: it is cheap next to a good one, its program is about to be
	// edited, and a compile killed at a limit on a busy host should not stick. It is shared with
	// the identical compiles waiting for it, which would fail the same way.
	build := func(_ context.Context, outDir string) error {
		c, err := s.compileHere(ctx, job) // bounded by its own limit, not by the wait's
		if err != nil {
			buildErr = err
			return err
		}
		here, ran = c, true
		if c.failed {
			return &compilecache.Failure{Outcome: encodeFailure(c.result)}
		}
		return exportArtifacts(outDir, filepath.Join(job.dir, "work"), files, s.cfg.TmpfsBytes, s.cfg.TmpfsInodes)
	}
	// Waiting for an identical compile stands for compiling: it ends at the compile's limit.
	limit := time.Duration(job.limits.TimeLimitMS) * time.Millisecond
	waitCtx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	dir, release, hit, err := s.cfg.Cache.Do(waitCtx, cacheKey(lang, files), build)
	var shared *compilecache.Failure
	switch {
	case err == nil && hit:
		return compiled{artifacts: dir, release: release}, nil
	case err == nil: // built by this run: its work dir already holds the output
		release()
		return here, nil
	case ran:
		if !here.failed {
			// Compiled, but the output could not be cached (a symlink, too large): run it uncached.
			s.cfg.Logger.Warn("sandbox: compile output not cached", "language", lang.ID, "err", err)
		}
		return here, nil
	case errors.As(err, &shared):
		return decodeFailure(shared.Outcome)
	case ctx.Err() != nil:
		return compiled{release: func() {}}, fmt.Errorf("sandbox: compile cache: %w", err)
	case buildErr != nil:
		// The sandbox failed, not the cache: the run fails as it would uncached, once.
		return compiled{release: func() {}}, buildErr
	case waitCtx.Err() != nil:
		return waitedOut(limit), nil
	}
	// The cache itself failed (its directory, a build error of another caller): compile uncached.
	s.cfg.Logger.Warn("sandbox: compile cache unavailable", "language", lang.ID, "err", err)
	return s.compileHere(ctx, job)
}

// compileLimits are the service's compile limits, each raised to the language's own when that
// is higher: a language asks for room its compiler needs, never for less than the operator gave.
func compileLimits(service, own execution.Limits) execution.Limits {
	return execution.Limits{
		TimeLimitMS:      max(service.TimeLimitMS, own.TimeLimitMS),
		MemoryLimitMB:    max(service.MemoryLimitMB, own.MemoryLimitMB),
		MaxProcesses:     max(service.MaxProcesses, own.MaxProcesses),
		OutputLimitBytes: max(service.OutputLimitBytes, own.OutputLimitBytes),
	}
}

// compileHere runs the compile step in the run's work dir.
func (s *Sandbox) compileHere(ctx context.Context, job step) (compiled, error) {
	c := compiled{release: func() {}}
	out, err := s.step(ctx, job)
	if err != nil {
		return c, err
	}
	c.result.CompileOutput = out.output
	c.result.CompileTimeMS = ptr(out.wall.Milliseconds())
	st := s.classify(out, job.limits)
	switch {
	case out.canceled:
		c.failed = true
		c.result.Status, c.result.Reason = execution.StatusCancelled, execution.ReasonCancelled
		return c, fmt.Errorf("sandbox: compile interrupted: %w", ctx.Err())
	case st.Status != execution.StatusCompleted:
		c.failed = true
		c.result.Status, c.result.Reason, c.result.ExitCode = execution.StatusFailed, execution.ReasonCompileError, st.ExitCode
	}
	return c, nil
}

// cacheKey is the cache key of compiling files in lang. The language's environment is part of
// the compile's input (GOFLAGS, say), so it is folded in after a NUL, which no argv holds.
func cacheKey(lang language.Language, files []execution.File) string {
	argv := append(append(append([]string(nil), lang.Compile...), "\x00env"), lang.Env...)
	return compilecache.Key(lang.ID, lang.Version, argv, files)
}

// exportArtifacts copies the compile's output, the work dir without the sources, into outDir.
// The work dir's tmpfs bounds it already; the cache then applies its own entry bounds.
func exportArtifacts(outDir, workDir string, files []execution.File, maxBytes int64, maxFiles int) error {
	if _, err := compilecache.CopyTree(outDir, workDir, maxBytes, maxFiles); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.Remove(filepath.Join(outDir, f.Name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("sandbox: %w", err)
		}
	}
	return nil
}
