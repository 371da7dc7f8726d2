// The compile cache through the real sandbox: hits skip the compiler, entries are read-only.

package sandbox_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"livecode/internal/compilecache"
	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/sandbox"
)

// setupCache is setup with a fresh compile cache.
func setupCache(t *testing.T, uidBase int) (bundle, *compilecache.Cache) {
	t.Helper()
	cache, err := compilecache.Open(filepath.Join(t.TempDir(), "cache"), compilecache.Bounds{MaxBytes: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return setup(t, sandbox.Config{UIDBase: uidBase, Cache: cache}), cache
}

// entries counts the cache's entries.
func entries(t *testing.T, c *compilecache.Cache) int {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(c.Dir(), "objects"))
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// cachedLang compiles by copying main.src to prog; its run tries to overwrite its artifact.
var cachedLang = language.Language{
	ID: "fake-cached", SourceFile: "main.src",
	Compile: []string{"/bin/bash", "-c", "grep -q syntax-error main.src && { echo bad syntax; exit 1; }; cp main.src prog"},
	Run:     []string{"/bin/bash", "-c", "bash prog; (echo changed > prog) 2>/dev/null && echo writable || echo read-only"},
}

func runSpec(t *testing.T, sb *sandbox.Sandbox, spec sandbox.Spec) execution.Result {
	t.Helper()
	res, err := sb.Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCacheHitSkipsCompile(t *testing.T) {
	t.Parallel()
	b, cache := setupCache(t, 67300)
	spec := sandbox.Spec{Language: cachedLang, Files: []execution.File{{Content: "echo hello"}}}
	tests := []struct {
		name     string
		compiled bool
		stdout   string
	}{
		{"first run compiles", true, "hello\nwritable\n"}, // its own work dir holds the artifact
		{"second run hits", false, "hello\nread-only\n"},  // the cache entry is bound read-only
		{"third run hits", false, "hello\nread-only\n"},
	}
	for _, tt := range tests {
		res := runSpec(t, b.sb, spec)
		if res.Status != execution.StatusCompleted || res.Stdout != tt.stdout || (res.CompileTimeMS != nil) != tt.compiled {
			t.Fatalf("%s: got %s/%q stdout %q compile time %v", tt.name, res.Status, res.Reason, res.Stdout, res.CompileTimeMS)
		}
	}
	if n := entries(t, cache); n != 1 {
		t.Fatalf("cache holds %d entries, want 1", n)
	}
	// The entry holds the artifact, not the source.
	ents, _ := os.ReadDir(filepath.Join(cache.Dir(), "objects"))
	dir := filepath.Join(cache.Dir(), "objects", ents[0].Name())
	if _, err := os.Stat(filepath.Join(dir, "prog")); err != nil {
		t.Fatalf("artifact missing: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "main.src")); !os.IsNotExist(err) {
		t.Fatalf("source cached: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "prog")); string(b) != "echo hello" {
		t.Fatalf("artifact changed by a run: %q", b)
	}
}

func TestCacheCompileErrorNotCached(t *testing.T) {
	t.Parallel()
	b, cache := setupCache(t, 67400)
	spec := sandbox.Spec{Language: cachedLang, Files: []execution.File{{Content: "syntax-error"}}}
	for i := range 2 {
		res := runSpec(t, b.sb, spec)
		if res.Status != execution.StatusFailed || res.Reason != execution.ReasonCompileError ||
			res.CompileOutput != "bad syntax\n" || res.CompileTimeMS == nil {
			t.Fatalf("run %d: got %s/%q compile output %q", i, res.Status, res.Reason, res.CompileOutput)
		}
	}
	if n := entries(t, cache); n != 0 {
		t.Fatalf("cache holds %d entries, want 0", n)
	}
}

func TestCacheConcurrentCompilesOnce(t *testing.T) {
	t.Parallel()
	b, cache := setupCache(t, 67500)
	l, ok := b.langs.Lookup("c")
	if !ok || !l.Available {
		t.Skip("C toolchain not installed")
	}
	spec := sandbox.Spec{Language: l, Files: []execution.File{{Content: "#include <stdio.h>\nint main(void){puts(\"once\");return 0;}\n"}}}
	const n = 4
	results := make([]execution.Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = runSpec(t, b.sb, spec)
		}()
	}
	wg.Wait()
	compiles := 0
	for i, r := range results {
		if r.Status != execution.StatusCompleted || r.Stdout != "once\n" {
			t.Fatalf("run %d: got %s/%q stdout %q stderr %q", i, r.Status, r.Reason, r.Stdout, r.Stderr)
		}
		if r.CompileTimeMS != nil {
			compiles++
		}
	}
	if compiles != 1 || entries(t, cache) != 1 {
		t.Fatalf("%d compiles, %d entries; want 1 and 1", compiles, entries(t, cache))
	}
}

func TestCacheKeyCoversFiles(t *testing.T) {
	t.Parallel()
	b, cache := setupCache(t, 67600)
	for _, code := range []string{"echo one", "echo two"} {
		res := runSpec(t, b.sb, sandbox.Spec{Language: cachedLang, Files: []execution.File{{Content: code}}})
		if res.CompileTimeMS == nil || res.Stdout != code[5:]+"\nwritable\n" {
			t.Fatalf("%q: compile time %v stdout %q", code, res.CompileTimeMS, res.Stdout)
		}
	}
	// An extra file changes the key too.
	res := runSpec(t, b.sb, sandbox.Spec{Language: cachedLang, Files: []execution.File{{Content: "echo one"}, {Name: "x.txt", Content: "x"}}})
	if res.CompileTimeMS == nil {
		t.Fatal("a different file set hit the cache")
	}
	if n := entries(t, cache); n != 3 {
		t.Fatalf("cache holds %d entries, want 3", n)
	}
}
