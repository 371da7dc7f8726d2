// Fault injection: each step of a run fails in turn, and every failure leaves nothing behind.

package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"livecode/internal/compilecache"
	"livecode/internal/execution"
	"livecode/internal/sandbox"
	"livecode/internal/testsvc"
)

// hit is one visit of a fault point: the n-th of point during a run.
type hit struct {
	point string
	n     int
}

// injector fails one armed hit and records every visit.
type injector struct {
	mu     sync.Mutex
	armed  hit
	counts map[string]int
	order  []hit
	fired  bool
}

var errInjected = errors.New("injected fault")

func (in *injector) fault(point string) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.counts[point]++
	h := hit{point, in.counts[point]}
	in.order = append(in.order, h)
	if h == in.armed {
		in.fired = true
		return errInjected
	}
	return nil
}

// arm resets the record and makes h fail; the zero hit fails nothing.
func (in *injector) arm(h hit) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.armed, in.counts, in.order, in.fired = h, map[string]int{}, nil, false
}

func (in *injector) visits() ([]hit, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]hit(nil), in.order...), in.fired
}

// TestFaultsReleaseEverything makes every step of a run fail in turn, for an interpreted and a
// compiled language, the latter also from a warm compile cache, and checks after each that the
// run ended (an error or a terminal result, never a hang) and that the slots, cgroups, mounts,
// work dirs, descriptors and goroutines are back where they were. Not parallel: it counts this
// process's descriptors and goroutines.
func TestFaultsReleaseEverything(t *testing.T) {
	const slots = 2
	// Every step of the run path has a point; a step without one would go untested.
	common := []string{"work dir", "write files", "pipe stdout", "pipe stderr", "pipe stdin", "cgroup create",
		"output read", "wait", "usage", "cgroup remove", "work dir remove"}
	required := append([]string{"pipe seccomp", "pipe status", "pipe block", "etc tree", "memfd args", "bwrap start",
		"hold", "confine", "release"}, common...)
	gvisor := append([]string{"pipe runsc log", "runsc start"}, common...)
	const cCode = "#include <stdio.h>\nint main(void) { char b[64]; puts(fgets(b, sizeof b, stdin) ? b : \"none\"); return 0; }"
	tests := []struct {
		name, lang, code string
		uidBase          int
		cache            string // "warm": the run binds the cached build; "cold": each run builds it
		level            string
	}{
		{"python", "python", "import sys\nprint(sys.stdin.read())", 72000, "", ""},
		{"c", "c", cCode, 72002, "", ""},
		{"c cached", "c", cCode, 72004, "warm", ""},
		{"c cache miss", "c", cCode, 72006, "cold", ""},
		{"python gvisor", "python", "import sys\nprint(sys.stdin.read())", 72008, "", "gvisor"},
	}
	if _, err := exec.LookPath("runsc"); err != nil {
		tests = tests[:len(tests)-1]
	}
	// Removing what a run leaves goes on after its result: a failure there is only logged.
	afterResult := map[string]bool{"cgroup remove": true, "work dir remove": true}
	var tried int
	for _, tt := range tests {
		parent, work := ownHost(t, "faults-"+strconv.Itoa(tt.uidBase))
		cfg := sandbox.Config{Level: tt.level, UIDBase: tt.uidBase, Slots: slots, CgroupParent: parent, WorkRoot: work}
		if tt.cache != "" {
			cache, err := compilecache.Open(filepath.Join(work, "..", "cache"), compilecache.Bounds{MaxBytes: 64 << 20})
			if err != nil {
				t.Fatal(err)
			}
			cfg.Cache = cache
		}
		b := setup(t, cfg)
		in := &injector{}
		b.sb.SetFaults(in.fault)
		l, ok := b.langs.Lookup(tt.lang)
		if tt.lang == "c" {
			l, ok = cLanguage(b.langs), true
		}
		if !ok || (!l.Available && tt.lang != "c") {
			t.Fatalf("language %s not available", tt.lang)
		}
		var runs int
		run := func() (execution.Result, time.Duration, error) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			start := time.Now()
			code := tt.code
			if runs++; tt.cache == "cold" {
				code += "\n// " + strconv.Itoa(runs) // a program the cache has not seen
			}
			res, err := b.sb.Run(ctx, sandbox.Spec{Language: l, Files: []execution.File{{Content: code}},
				Stdin: strings.NewReader("hello\n"), Limits: execution.Limits{TimeLimitMS: 10000}})
			if ctx.Err() != nil {
				t.Fatalf("%s: the run hung until its context ended: %v", tt.name, err)
			}
			return res, time.Since(start), err
		}
		// A clean run lists the points this path visits, and sets the baseline (taken in a
		// subtest, as every later check is: each runs on a goroutine of its own).
		var base hostSnapshot
		t.Run(tt.name+"/clean", func(t *testing.T) {
			in.arm(hit{})
			if tt.cache == "warm" { // fills the cache: the recorded run is a hit
				if res, _, err := run(); err != nil || res.Status != execution.StatusCompleted {
					t.Fatalf("%v %s/%q stderr %q", err, res.Status, res.Reason, res.Stderr)
				}
				b.sb.Wait() // its teardown is not the recorded run's
			}
			in.arm(hit{})
			if res, _, err := run(); err != nil || res.Status != execution.StatusCompleted {
				t.Fatalf("%v %s/%q stderr %q", err, res.Status, res.Reason, res.Stderr)
			}
			b.sb.Wait()
			base = snapshotHost(t)
		})
		path, _ := in.visits()
		seen := map[string]bool{}
		for _, h := range path {
			seen[h.point] = true
		}
		want := required
		if tt.level == "gvisor" {
			want = gvisor
		}
		if tt.cache == "warm" {
			want = append(want[:len(want):len(want)], "overlay")
		}
		for _, p := range want {
			if !seen[p] {
				t.Errorf("%s: the run path never visits fault point %q", tt.name, p)
			}
		}
		for _, h := range path {
			t.Run(fmt.Sprintf("%s/%s#%d", tt.name, h.point, h.n), func(t *testing.T) {
				in.arm(h)
				res, took, err := run()
				switch {
				case err == nil && !res.Status.Terminal():
					t.Errorf("no error and a result %s/%q that is not terminal", res.Status, res.Reason)
				case err == nil && !afterResult[h.point]:
					t.Errorf("the failure was hidden: result %s/%q", res.Status, res.Reason)
				}
				t.Logf("%v in %v; result %s/%q", err, took.Round(time.Millisecond), res.Status, res.Reason)
				b.sb.Wait() // the teardown's points come after the result
				if _, fired := in.visits(); !fired {
					t.Fatalf("the fault was not reached on a second run")
				}
				tried++
				if n := b.sb.FreeSlots(); n != slots {
					t.Errorf("%d of %d slots free", n, slots)
				}
				assertNoLeftovers(t, tt.uidBase, slots, parent, work)
				if !base.assertBack(t) {
					base = snapshotHost(t) // report each leak once, at the step that made it
				}
			})
		}
	}
	if tried < len(tests)*len(required) {
		t.Errorf("%d faults injected, want at least %d", tried, len(tests)*len(required))
	}
}

// hostSnapshot is what of this process a run must give back: descriptors and goroutines.
type hostSnapshot struct{ fds, goroutines int }

func snapshotHost(t *testing.T) hostSnapshot {
	t.Helper()
	return hostSnapshot{fds: openFDs(t), goroutines: runtime.NumGoroutine()}
}

// assertBack waits briefly for goroutines that are on their way out, then compares. It
// reports whether everything was back.
func (s hostSnapshot) assertBack(t *testing.T) bool {
	t.Helper()
	var now hostSnapshot
	testsvc.Within(5*time.Second, func() bool {
		now = snapshotHost(t)
		return now.fds <= s.fds && now.goroutines <= s.goroutines
	})
	if now.fds != s.fds {
		t.Errorf("%d open descriptors, %d before the runs", now.fds, s.fds)
	}
	if now.goroutines > s.goroutines {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines, %d before the runs:\n%s", now.goroutines, s.goroutines, buf[:runtime.Stack(buf, true)])
	}
	return now.fds == s.fds && now.goroutines <= s.goroutines
}

// openFDs counts this process's open descriptors (the listing's own excluded).
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents) - 1
}
