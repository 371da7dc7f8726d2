// A cached run's overlay is gone after every failure of the run, whichever step fails.

package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"livecode/internal/compilecache"
	"livecode/internal/execution"
	"livecode/internal/language"
)

func TestOverlayUnmountedOnEveryFailure(t *testing.T) {
	root := t.TempDir()
	if err := os.Chmod(filepath.Dir(root), 0o711); err != nil { // the sandbox uids traverse it
		t.Fatal(err)
	}
	cache, err := compilecache.Open(filepath.Join(t.TempDir(), "cache"), compilecache.Bounds{MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{UIDBase: 70020, Slots: 1, WorkRoot: root, CgroupParent: "livecode-test-hcache", Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	lang := language.Language{ID: "fake-overlay", SourceFile: "main.src",
		Compile: []string{"/bin/bash", "-c", "cp main.src prog"}, Run: []string{"/bin/bash", "prog"}}
	spec := Spec{Language: lang, Files: []execution.File{{Content: "echo cached"}}}
	run := func() (execution.Result, error) { return s.Run(context.Background(), spec) }
	if res, err := run(); err != nil || res.Stdout != "cached\n" {
		t.Fatalf("first run: %+v, %v", res, err)
	}
	s.Wait() // its teardown reads s.faults
	injected := errors.New("injected")
	for _, point := range []string{"overlay", "etc tree", "pipe stdout", "memfd args", "bwrap start", "cgroup create",
		"hold", "confine", "release", "wait", "usage", "cgroup remove", "work dir remove"} {
		s.faults = func(p string) error {
			if p == point {
				return injected
			}
			return nil
		}
		res, err := run()
		s.Wait()
		s.faults = nil
		if !errors.Is(err, injected) && !strings.HasSuffix(point, "remove") {
			t.Fatalf("%s: got %+v, %v; want the injected failure", point, res, err)
		}
		// What a run leaves is under the instance dir, besides the instance's own /dev and lock.
		if mounts, _ := os.ReadFile("/proc/self/mountinfo"); strings.Count(string(mounts), s.inst.dir+"/") > 1 {
			t.Fatalf("%s: mounts left under the instance:\n%s", point, mounts)
		}
		if ents, _ := os.ReadDir(s.inst.dir); len(ents) != 2 {
			t.Fatalf("%s: %d entries in the instance dir, want its dev and lock only", point, len(ents))
		}
	}
	// The entry is whole, and no run left it pinned: it is still served.
	if res, err := run(); err != nil || res.Stdout != "cached\n" || res.CompileTimeMS != nil {
		t.Fatalf("last run: %+v, %v; want a cache hit", res, err)
	}
}
