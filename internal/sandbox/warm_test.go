// Warm jails: a prepared jail serves one run, nothing crosses from one run to the next of a
// slot, limits and accounting count from the release, a key miss runs cold, faults release all.

package sandbox_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"livecode/internal/compilecache"
	"livecode/internal/execution"
	"livecode/internal/sandbox"
	"livecode/internal/testsvc"
)

// The warm tests' uids: 80000-80099, ten per test.
const warmUIDBase = 80000

// warmBundle is a one-slot sandbox with warm jails on a cgroup parent and work root of its own.
type warmBundle struct {
	bundle
	log          *stageLog
	uid          int
	parent, work string
}

func warmSetup(t *testing.T, uid int, cache *compilecache.Cache) warmBundle {
	t.Helper()
	parent, work := ownHost(t, fmt.Sprintf("warm-%d", uid))
	log := &stageLog{}
	b := setup(t, sandbox.Config{UIDBase: uid, Slots: 1, CgroupParent: parent, WorkRoot: work, Warm: true,
		Stages: log.observe, Cache: cache})
	return warmBundle{bundle: b, log: log, uid: uid, parent: parent, work: work}
}

// count is how many times stage was reported.
func (l *stageLog) count(stage string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.stages {
		if s == stage {
			n++
		}
	}
	return n
}

// assertPrepared checks, once the teardowns are over, that the slot holds exactly one prepared
// jail: one run cgroup holding bubblewrap and its held child, one work dir, and no other process
// of the slot's uid. It returns the jail's cgroup.
func (w warmBundle) assertPrepared(t *testing.T) string {
	t.Helper()
	w.sb.Wait()
	if n := w.sb.WarmJails(); n != 1 {
		t.Fatalf("%d prepared jails, want 1", n)
	}
	cgs := runCgroups(w.parent) // on cgroup v1, one per controller
	names := map[string]bool{}
	for _, dir := range cgs {
		names[filepath.Base(dir)] = true
	}
	if len(names) != 1 {
		t.Fatalf("run cgroups %v, want the prepared jail's only", cgs)
	}
	procs, err := os.ReadFile(filepath.Join(cgs[0], "cgroup.procs"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(string(procs))); n != 2 {
		t.Errorf("the prepared cgroup holds %d processes, want bubblewrap and its held child", n)
	}
	if pids := sandboxProcesses(t, w.uid, 1, true); len(pids) != 2 {
		t.Errorf("processes of the slot's uid: %v, want the held bubblewrap's two", pids)
	}
	if left := workLeft(w.work); len(left) != 1 {
		t.Errorf("work dirs %v, want the prepared jail's only", left)
	}
	return filepath.Base(cgs[0])
}

// The program of TestWarmNothingCrosses: "plant" leaves everything a run could leave behind
// in its jail; "check" looks for any of it and prints "clean" or what it found.
const plantOrCheck = `import ctypes, os, socket, subprocess, sys
mode = sys.stdin.read().strip()
libc = ctypes.CDLL(None, use_errno=True)
if mode == "plant":
    for p in ("/work/planted", "/tmp/planted"):
        open(p, "w").write("x")
    subprocess.Popen(["/bin/sleep", "120"], start_new_session=True, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert libc.shmget(0x4c43, 4096, 0o1666) >= 0
    assert libc.msgget(0x4c44, 0o1666) >= 0
    assert libc.semget(0x4c45, 1, 0o1666) >= 0
    fd = libc.shm_open(b"/livecode-planted", os.O_CREAT | os.O_RDWR, 0o666)
    u = socket.socket(socket.AF_UNIX)
    u.bind("\0livecode-planted")
    u.listen()
    s = socket.socket()
    s.bind(("127.0.0.1", 4242))
    s.listen()
    os.set_inheritable(u.fileno(), True)
    os.set_inheritable(s.fileno(), True)
    subprocess.Popen(["/bin/sleep", "120"], pass_fds=(u.fileno(), s.fileno()), start_new_session=True)
    print("planted", fd >= 0)
else:
    left = [p for p in ("/work/planted", "/tmp/planted", "/dev/shm/livecode-planted") if os.path.exists(p)]
    left += [n for n in os.listdir("/work") if n != "main.py"]
    left += ["pid %s %s" % (p, open("/proc/%s/comm" % p).read().strip()) for p in os.listdir("/proc")
             if p.isdigit() and int(p) not in (1, os.getpid())]
    for kind in ("shm", "msg", "sem"):
        left += ["sysv %s: %s" % (kind, l) for l in open("/proc/sysvipc/" + kind).read().splitlines()[1:]]
    if libc.shm_open(b"/livecode-planted", os.O_RDWR, 0) >= 0:
        left.append("posix shm")
    for fam, addr in ((socket.AF_UNIX, "\0livecode-planted"), (socket.AF_INET, ("127.0.0.1", 4242))):
        try:
            socket.socket(fam).bind(addr)
        except OSError as e:
            left.append("socket %r: %s" % (addr, e))
    print("clean" if not left else left)
`

// TestWarmNothingCrosses plants files, processes, SysV and POSIX IPC objects and sockets in one
// run and looks for them in the next run of the slot, which takes over the jail prepared after
// the first: nothing may cross, and the jail served that run only.
func TestWarmNothingCrosses(t *testing.T) {
	t.Parallel()
	w := warmSetup(t, warmUIDBase, nil)
	// The first run starts cold and leaves a prepared jail.
	if res := w.run(t, "python", "print('first')", "", execution.Limits{}); res.Stdout != "first\n" {
		t.Fatalf("first run: %s/%q stdout %q stderr %q", res.Status, res.Reason, res.Stdout, res.Stderr)
	}
	jail := w.assertPrepared(t)
	for i := range 3 {
		res := w.run(t, "python", plantOrCheck, "plant", execution.Limits{})
		if res.Status != execution.StatusCompleted || !strings.HasPrefix(res.Stdout, "planted") {
			t.Fatalf("plant: %s/%q stdout %q stderr %q", res.Status, res.Reason, res.Stdout, res.Stderr)
		}
		next := w.assertPrepared(t)
		if next == jail {
			t.Fatalf("the slot's prepared jail %s served a second run", jail)
		}
		jail = next
		res = w.run(t, "python", plantOrCheck, "check", execution.Limits{})
		if res.Stdout != "clean\n" {
			t.Errorf("check %d: %s/%q stdout %q stderr %q", i, res.Status, res.Reason, res.Stdout, res.Stderr)
		}
		jail = w.assertPrepared(t)
	}
	// Only the first run started bubblewrap on its critical path; every later one took over.
	if n, prep := w.log.count(sandbox.StageHold), w.log.count(sandbox.StageWarmPrepare); n != 1 || prep != 7 {
		t.Errorf("%d runs held on their critical path, %d jails prepared; want 1 and 7", n, prep)
	}
	if err := w.sb.DropWarm(); err != nil {
		t.Fatal(err)
	}
	assertNoLeftovers(t, w.uid, 1, w.parent, w.work)
}

// TestWarmLimits runs each limit in a warm jail whose cgroup was made with other limits, and
// checks that the time limit and the accounting count from the release: a jail prepared long
// before its run leaves the run its whole time limit.
func TestWarmLimits(t *testing.T) {
	t.Parallel()
	w := warmSetup(t, warmUIDBase+10, nil)
	w.run(t, "python", "pass", "", execution.Limits{})
	w.assertPrepared(t)
	// The jail waits three times the coming run's time limit before the run takes it over.
	limit := execution.Limits{TimeLimitMS: 1000}
	time.Sleep(3 * time.Duration(testsvc.ScaleMS(limit.TimeLimitMS)) * time.Millisecond)
	res := w.run(t, "python", "pass", "", limit)
	if res.Status != execution.StatusCompleted {
		t.Fatalf("a run in a jail prepared before its time limit: %s/%q stderr %q", res.Status, res.Reason, res.Stderr)
	}
	if ms := *res.ExecutionTimeMS; ms >= int64(testsvc.ScaleMS(limit.TimeLimitMS)) {
		t.Errorf("execution time %d ms counts the jail's wait", ms)
	}
	tests := []struct {
		name, code string
		limits     execution.Limits
		status     execution.Status
		reason     execution.Reason
	}{
		{"time", "while True: pass", execution.Limits{TimeLimitMS: 500}, execution.StatusTimeout, execution.ReasonTimeLimit},
		{"memory", "b = bytearray(200 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1",
			execution.Limits{MemoryLimitMB: 64}, execution.StatusFailed, execution.ReasonMemoryLimit},
		{"output", "print('x' * 100000)", execution.Limits{OutputLimitBytes: 1000}, execution.StatusFailed, execution.ReasonOutputLimit},
		{"processes", "import subprocess\nps = [subprocess.Popen(['/bin/sleep', '5']) for _ in range(20)]",
			execution.Limits{MaxProcesses: 8}, execution.StatusFailed, execution.ReasonProcessLimit},
		{"cpu", "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.2: pass",
			execution.Limits{}, execution.StatusCompleted, execution.ReasonNone},
	}
	for _, tt := range tests {
		res := w.run(t, "python", tt.code, "", tt.limits)
		if res.Status != tt.status || res.Reason != tt.reason {
			t.Errorf("%s: %s/%q, want %s/%q; stderr %.300q", tt.name, res.Status, res.Reason, tt.status, tt.reason, res.Stderr)
		}
		if tt.name == "cpu" && (res.CPUTimeMS == nil || *res.CPUTimeMS < 200 || res.MemoryKB == nil || *res.MemoryKB <= 0) {
			t.Errorf("cpu: CPU %v ms, memory %v KiB: want at least 200 ms and a peak", deref(res.CPUTimeMS), deref(res.MemoryKB))
		}
	}
	w.assertPrepared(t)
	if n := w.log.count(sandbox.StageHold); n != 1 {
		t.Errorf("%d runs held on their critical path, want the first only", n)
	}
}

// TestWarmKeyMiss runs a program whose command line differs from the prepared jail's: it runs
// cold, and the jail is discarded, never used.
func TestWarmKeyMiss(t *testing.T) {
	t.Parallel()
	w := warmSetup(t, warmUIDBase+20, nil)
	w.run(t, "python", "pass", "", execution.Limits{})
	jail := w.assertPrepared(t)
	l, _ := w.langs.Lookup("python")
	ctx, cancel := context.WithTimeout(context.Background(), testsvc.Scale(time.Minute))
	defer cancel()
	res, err := w.sb.Run(ctx, sandbox.Spec{Language: l, Files: []execution.File{{Content: "import sys; print(sys.argv[1:])"}},
		Args: []string{"other"}})
	if err != nil || res.Stdout != "['other']\n" {
		t.Fatalf("%v %s/%q stdout %q stderr %q", err, res.Status, res.Reason, res.Stdout, res.Stderr)
	}
	if next := w.assertPrepared(t); next == jail {
		t.Errorf("the prepared jail %s outlived a run of another key", jail)
	}
	if n := w.log.count(sandbox.StageHold); n != 2 {
		t.Errorf("%d runs held on their critical path, want both (the second missed)", n)
	}
	// The jail prepared now is for the second key: the first misses again.
	w.run(t, "python", "pass", "", execution.Limits{})
	w.assertPrepared(t)
	if n := w.log.count(sandbox.StageHold); n != 3 {
		t.Errorf("%d runs held on their critical path, want 3", n)
	}
}

// TestWarmCompiled runs a C program twice: built (cold) the first time, then from the cache,
// copied into the warm jail's work dir.
func TestWarmCompiled(t *testing.T) {
	t.Parallel()
	cache, err := compilecache.Open(filepath.Join(t.TempDir(), "cache"), compilecache.Bounds{MaxBytes: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	w := warmSetup(t, warmUIDBase+30, cache)
	l := cLanguage(w.langs)
	code := "#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }"
	for i := range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), testsvc.Scale(time.Minute))
		res, err := w.sb.Run(ctx, sandbox.Spec{Language: l, Files: []execution.File{{Content: code}}})
		cancel()
		if err != nil || res.Stdout != "hello\n" {
			t.Fatalf("run %d: %v %s/%q stdout %q compile %q", i, err, res.Status, res.Reason, res.Stdout, res.CompileOutput)
		}
		w.assertPrepared(t)
	}
	// Each run's compile step is a cold step of its own; only the first run step was cold.
	if n := w.log.count(sandbox.StageHold); n != 1 {
		t.Errorf("%d run steps held on their critical path, want 1", n)
	}
}

// TestWarmFaults makes each fault point of a warm run (its takeover and the preparation of the
// slot's next jail) fail in turn and checks that the run ends as a cold run's would (an error
// on its critical path; a result when the failure is after it) and that everything is released:
// the slot, cgroups, work dirs, processes, descriptors and goroutines.
func TestWarmFaults(t *testing.T) {
	w := warmSetup(t, warmUIDBase+40, nil)
	in := &injector{}
	w.sb.SetFaults(in.fault)
	l, _ := w.langs.Lookup("python")
	var runs int
	run := func() (execution.Result, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		runs++ // other limits than the jail was prepared with: it is limited again
		limits := execution.Limits{TimeLimitMS: 10000, MemoryLimitMB: 100 + runs%2}
		res, err := w.sb.Run(ctx, sandbox.Spec{Language: l, Files: []execution.File{{Content: "import sys\nprint(sys.stdin.read())"}},
			Stdin: strings.NewReader("hello\n"), Limits: limits})
		if ctx.Err() != nil {
			t.Fatalf("the run hung until its context ended: %v", err)
		}
		return res, err
	}
	clean := func(t *testing.T) {
		t.Helper()
		in.arm(hit{})
		if res, err := run(); err != nil || res.Stdout != "hello\n\n" {
			t.Fatalf("clean run: %v %s/%q stdout %q stderr %q", err, res.Status, res.Reason, res.Stdout, res.Stderr)
		}
		w.assertPrepared(t)
	}
	clean(t)
	clean(t)
	in.arm(hit{})
	if _, err := run(); err != nil {
		t.Fatal(err)
	}
	w.sb.Wait()
	path, _ := in.visits()
	var points []string
	for _, h := range path {
		points = append(points, h.point)
	}
	release, hold := slices.Index(points, "release"), slices.Index(points, "hold")
	if release < 0 || hold < release {
		t.Fatalf("the warm run path %v holds before its release", points)
	}
	for _, p := range []string{"write files", "warm limits", "confine", "release", "output read", "wait", "usage",
		"work dir", "pipe stdin", "cgroup create", "bwrap start", "hold", "cgroup remove", "work dir remove"} {
		if !slices.Contains(points, p) {
			t.Errorf("the warm run path never visits fault point %q: %v", p, points)
		}
	}
	var base hostSnapshot
	t.Run("clean", func(t *testing.T) { base = snapshotHost(t) }) // each check runs on a goroutine of its own
	prep := slices.Index(points, "work dir")                      // the next jail's preparation starts here
	afterResult := map[string]bool{"cgroup remove": true, "work dir remove": true}
	for i, h := range path {
		t.Run(fmt.Sprintf("%s#%d", h.point, h.n), func(t *testing.T) {
			in.arm(h)
			res, err := run()
			late := i >= prep || afterResult[h.point]
			switch {
			case late && (err != nil || res.Stdout != "hello\n\n"):
				t.Errorf("a failure after the result changed it: %v %s/%q", err, res.Status, res.Reason)
			case !late && err == nil:
				t.Errorf("the failure was hidden: result %s/%q", res.Status, res.Reason)
			}
			w.sb.Wait()
			if _, fired := in.visits(); !fired {
				t.Fatalf("the fault was not reached")
			}
			if n := w.sb.FreeSlots(); n != 1 {
				t.Errorf("%d of 1 slots free", n)
			}
			clean(t) // prepares the slot's next jail again, whatever the fault left
			if !base.assertBack(t) {
				base = snapshotHost(t)
			}
		})
	}
	if err := w.sb.DropWarm(); err != nil {
		t.Fatal(err)
	}
	w.sb.Wait()
	assertNoLeftovers(t, w.uid, 1, w.parent, w.work)
}
