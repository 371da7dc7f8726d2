// The compile cache through the API: builds of thousands of files run cached, identical failing
// compiles fail once.

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// javaClasses is a Java program of n classes (n+1 class files) that prints the last one's name.
func javaClasses(n int) string {
	var b strings.Builder
	b.WriteString("public class Main {\n")
	for i := range n {
		fmt.Fprintf(&b, "  static class C%d { }\n", i)
	}
	fmt.Fprintf(&b, "  public static void main(String[] a) { System.out.println(new C%d().getClass().getName()); }\n}\n", n-1)
	return b.String()
}

func TestCachedBuildOfManyFilesRuns(t *testing.T) {
	t.Parallel()
	// javac of 3200 classes takes seconds, several times that on a slow, loaded host: the
	// limits are out of the way, what is asserted is that the cached run starts at all.
	p, _ := startLanguages(t, 70100, "COMPILE_TIME_LIMIT_MS=120000", "TIME_LIMIT_MS=30000")
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	// 3200 classes once made bubblewrap exceed its 9000 arguments, one bind per cached file.
	for _, n := range []int{1500, 3200} {
		code, want := javaClasses(n), fmt.Sprintf("Main$C%d\n", n-1)
		first := runOnce(ctx, t, p.URL, "java", code, nil)
		cached := runOnce(ctx, t, p.URL, "java", code, nil)
		for i, r := range []langResult{first, cached} {
			if r.Status != "COMPLETED" || r.Stdout != want {
				t.Fatalf("%d classes, run %d: %s/%s stdout %q stderr %q", n, i, r.Status, r.Reason, r.Stdout, r.Stderr)
			}
		}
		if first.CompileTimeMS == nil || cached.CompileTimeMS != nil {
			t.Fatalf("%d classes: compile times %v then %v; want set then null", n, first.CompileTimeMS, cached.CompileTimeMS)
		}
		t.Logf("%d classes: run %d ms uncached, %d ms cached", n, first.ExecTimeMS, cached.ExecTimeMS)
	}
}

// slowCompile is C++ whose constant evaluation takes minutes: its compile ends at the limit.
const slowCompile = "constexpr long f() { long s = 0; for (long i = 0; i < 200000; i++) for (long j = 0; j < 200000; j++) s += i ^ j; return s; }\n" +
	"constexpr long x = f();\nint main() { return x & 1; }\n"

// slowError is C++ whose constant evaluation takes a second or so, then fails a static_assert.
const slowError = "constexpr long f() { long s = 0; for (long i = 0; i < 600; i++) for (long j = 0; j < 600; j++) s += i ^ j; return s; }\n" +
	"static_assert(f() < 0, \"identical_failure\");\nint main() {}\n"

// runTogether sends code as n runs at once, each in its own session, and returns their results,
// how many of them ran the compiler, and the wall time until the last ended.
func runTogether(ctx context.Context, t *testing.T, base, lang, code string, n int) ([]langResult, int, time.Duration) {
	t.Helper()
	sids := make([]string, n)
	for i := range sids {
		sids[i] = newSession(t, base, lang, code)
	}
	results := make([]langResult, n)
	begin := time.Now()
	var wg sync.WaitGroup
	for i, sid := range sids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = awaitResult(ctx, t, base, run(t, base, sid, nil))
		}()
	}
	wg.Wait()
	compiles := 0
	for _, r := range results {
		if r.CompileTimeMS != nil {
			compiles++
		}
	}
	return results, compiles, time.Since(begin)
}

func TestIdenticalFailingCompilesFailOnce(t *testing.T) {
	t.Parallel()
	const limit = 4 * time.Second
	p, _ := startLanguages(t, 70200, "WORKERS=3", fmt.Sprintf("COMPILE_TIME_LIMIT_MS=%d", limit.Milliseconds()))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const n = 3
	results, compiles, wall := runTogether(ctx, t, p.URL, "cpp", slowCompile, n)
	for i, r := range results {
		if r.Status != "FAILED" || r.Reason != "compile_error" {
			t.Fatalf("run %d: %s/%s compile output %q", i, r.Status, r.Reason, r.CompileOutput)
		}
	}
	// One compile to its limit, the others end with it: well under two limits together
	// (three compiles one after another took three).
	if compiles != 1 || wall >= 2*limit {
		t.Fatalf("%d compiles, %v for %d identical failing compiles; want 1 and under %v", compiles, wall, n, 2*limit)
	}
	// The failure is not cached: the same program sent later compiles again.
	if r := runOnce(ctx, t, p.URL, "cpp", slowCompile, nil); r.Status != "FAILED" || r.Reason != "compile_error" || r.CompileTimeMS == nil {
		t.Fatalf("later run: %s/%s compile time %v; want a fresh compile to the limit", r.Status, r.Reason, r.CompileTimeMS)
	}
}

func TestIdenticalCompileErrorShared(t *testing.T) {
	t.Parallel()
	// The limit is far off: the compile fails on its own, and the runs that waited for it
	// report its messages.
	p, _ := startLanguages(t, 70700, "WORKERS=3", "COMPILE_TIME_LIMIT_MS=60000")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	results, compiles, _ := runTogether(ctx, t, p.URL, "cpp", slowError, 3)
	for i, r := range results {
		if r.Status != "FAILED" || r.Reason != "compile_error" || !strings.Contains(r.CompileOutput, "identical_failure") {
			t.Fatalf("run %d: %s/%s compile output %q; want the compiler's message", i, r.Status, r.Reason, r.CompileOutput)
		}
	}
	if compiles != 1 {
		t.Fatalf("%d compiles of one program sent three times together; want 1", compiles)
	}
}

func TestWaitForIdenticalCompileEndsAtOwnLimit(t *testing.T) {
	t.Parallel()
	// Two services share one compile cache; the first compiles under a long limit, the second,
	// whose limit is short, gets the same program while that compile runs.
	shared := filepath.Join(t.TempDir(), "compile")
	if err := os.Chmod(filepath.Dir(filepath.Dir(shared)), 0o711); err != nil { // the sandbox uids traverse it
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(shared), 0o755); err != nil {
		t.Fatal(err)
	}
	long, _ := startLanguages(t, 70500, "WORKERS=1", "COMPILE_TIME_LIMIT_MS=60000", "COMPILE_CACHE_DIR="+shared)
	short, _ := startLanguages(t, 70600, "WORKERS=1", "COMPILE_TIME_LIMIT_MS=2000", "COMPILE_CACHE_DIR="+shared)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	compiling := run(t, long.URL, newSession(t, long.URL, "cpp", slowCompile), nil)
	for { // the build holds the key's lock while its scratch dir exists
		builds, _ := filepath.Glob(filepath.Join(shared, "tmp", "build-*"))
		if len(builds) > 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the first compile never started")
		case <-time.After(10 * time.Millisecond):
		}
	}
	r := runOnce(ctx, t, short.URL, "cpp", slowCompile, nil)
	if r.Status != "FAILED" || r.Reason != "compile_error" || r.CompileTimeMS != nil || !strings.Contains(r.CompileOutput, "identical compile") {
		t.Fatalf("waiting run: %s/%s compile time %v output %q; want the compile time limit's failure", r.Status, r.Reason, r.CompileTimeMS, r.CompileOutput)
	}
	// Its one slot is free again while the compile it waited for still runs.
	if h := runOnce(ctx, t, short.URL, "python", corpus["python"].hello, nil); h.Status != "COMPLETED" { // no compile: its 2 s limit is not in play
		t.Fatalf("next run on the waiter's service: %s/%s", h.Status, h.Reason)
	}
	var e execution
	if call(t, "GET", long.URL+"/executions/"+compiling, nil, &e); e.Status != "RUNNING" {
		t.Fatalf("the first compile is %s; want it still running, so the waiter did not outwait it", e.Status)
	}
	if code := call(t, "POST", long.URL+"/executions/"+compiling+"/cancel", nil, nil); code != 202 {
		t.Fatalf("cancel: %d", code)
	}
	if e := await(ctx, t, long.URL, compiling); e.Status != "CANCELLED" {
		t.Fatalf("the first compile ended %s after its cancel", e.Status)
	}
}
