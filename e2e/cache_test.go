// The compile cache through the API: builds of thousands of files run cached, identical failing
// compiles fail once.

package e2e

import (
	"context"
	"fmt"
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
	p, _ := startLanguages(t, 70100)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
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

func TestIdenticalFailingCompilesFailOnce(t *testing.T) {
	t.Parallel()
	const limit = 4 * time.Second
	p, _ := startLanguages(t, 70200, "WORKERS=3", fmt.Sprintf("COMPILE_TIME_LIMIT_MS=%d", limit.Milliseconds()))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const n = 3
	sids := make([]string, n)
	for i := range sids {
		sids[i] = newSession(t, p.URL, "cpp", slowCompile)
	}
	results := make([]langResult, n)
	begin := time.Now()
	var wg sync.WaitGroup
	for i, sid := range sids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = awaitResult(ctx, t, p.URL, run(t, p.URL, sid, nil))
		}()
	}
	wg.Wait()
	wall := time.Since(begin)
	compiles := 0
	for i, r := range results {
		if r.Status != "FAILED" || r.Reason != "compile_error" {
			t.Fatalf("run %d: %s/%s compile output %q", i, r.Status, r.Reason, r.CompileOutput)
		}
		if r.CompileTimeMS != nil {
			compiles++
		}
	}
	// One compile to its limit, the others share its end: well under two limits together
	// (three compiles one after another took three).
	if compiles != 1 || wall >= 2*limit {
		t.Fatalf("%d compiles, %v for %d identical failing compiles; want 1 and under %v", compiles, wall, n, 2*limit)
	}
	// The failure is not cached: the same program sent later compiles again.
	if r := runOnce(ctx, t, p.URL, "cpp", slowCompile, nil); r.Status != "FAILED" || r.Reason != "compile_error" || r.CompileTimeMS == nil {
		t.Fatalf("later run: %s/%s compile time %v; want a fresh compile to the limit", r.Status, r.Reason, r.CompileTimeMS)
	}
}
