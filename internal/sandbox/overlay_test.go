// A cached build of thousands of files joins its runs through one overlay, never reachable for writes.

package sandbox_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"livecode/internal/compilecache"
	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/sandbox"
)

// manyFiles is bubblewrap's argument limit (9000) over the three arguments a bind takes per file.
const manyFiles = 3500

// manyLang compiles into manyFiles files; its run counts them and tries to change the entry
// every way the work dir allows: overwrite, remove, rename, add.
var manyLang = language.Language{
	ID: "fake-many", SourceFile: "main.src",
	Compile: []string{"/bin/bash", "-c", "mkdir d && for i in $(seq " + strconv.Itoa(manyFiles) + "); do echo $i > d/f$i; done && echo ok > top"},
	Run: []string{"/bin/bash", "-c", "ls d | wc -l; cat top; (echo x > d/f1) 2>/dev/null && echo wrote; " +
		"rm -f top d/f2 2>/dev/null; mv d/f3 d/g3 2>/dev/null; echo new > added; ls top 2>&1 | grep -c 'No such'"},
}

func TestCacheManyFilesOneOverlay(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.Chmod(filepath.Dir(root), 0o711); err != nil { // the sandbox uids traverse it
		t.Fatal(err)
	}
	cache, err := compilecache.Open(filepath.Join(t.TempDir(), "cache"), compilecache.Bounds{MaxBytes: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	b := setup(t, sandbox.Config{UIDBase: 70000, Cache: cache, WorkRoot: root})
	spec := sandbox.Spec{Language: manyLang, Files: []execution.File{{Content: "many"}}}
	for i, compiled := range []bool{true, false, false} {
		want := strconv.Itoa(manyFiles) + "\nok\n1\n" // a cached file cannot be written
		if compiled {
			want = strconv.Itoa(manyFiles) + "\nok\nwrote\n1\n" // the run's own build output can
		}
		res := runSpec(t, b.sb, spec)
		if res.Status != execution.StatusCompleted || res.Stdout != want || (res.CompileTimeMS != nil) != compiled {
			t.Fatalf("run %d: got %s/%q stdout %q stderr %q compile time %v; want stdout %q",
				i, res.Status, res.Reason, res.Stdout, res.Stderr, res.CompileTimeMS, want)
		}
	}
	b.sb.Wait()
	ents, err := os.ReadDir(filepath.Join(cache.Dir(), "objects"))
	if err != nil || len(ents) != 1 {
		t.Fatalf("cache entries %d, %v; want 1", len(ents), err)
	}
	entry := filepath.Join(cache.Dir(), "objects", ents[0].Name())
	files, _ := os.ReadDir(filepath.Join(entry, "d"))
	top, _ := os.ReadFile(filepath.Join(entry, "top"))
	f1, _ := os.ReadFile(filepath.Join(entry, "d", "f1"))
	if len(files) != manyFiles || string(top) != "ok\n" || string(f1) != "1\n" {
		t.Fatalf("entry changed by its runs: %d files, top %q, f1 %q", len(files), top, f1)
	}
	if _, err := os.Stat(filepath.Join(entry, "added")); !os.IsNotExist(err) {
		t.Fatalf("a run added a file to the entry: %v", err)
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mounts), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], root+"/") && !isInstanceDev(root, f[4]) {
			t.Errorf("mount left under the work root: %s", f[4])
		}
	}
	if left := workLeft(root); len(left) > 0 {
		t.Errorf("left under the work root: %v", left)
	}
}
