// End-to-end runs through the real sandbox: bubblewrap, cgroups, rlimits and seccomp.

package sandbox_test

import (
	"strings"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/sandbox"
	"livecode/internal/testsvc"
)

func TestHelloWorld(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{UIDBase: 61000})
	tests := []struct{ lang, code string }{
		{"python", `print("Hello, World!")`},
		{"javascript", `console.log("Hello, World!")`},
		{"bash", `echo "Hello, World!"`},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			res := b.run(t, tt.lang, tt.code, "", execution.Limits{})
			if res.Status != execution.StatusCompleted || res.Stdout != "Hello, World!\n" || res.Stderr != "" {
				t.Fatalf("got %s %q stdout %q stderr %q", res.Status, res.Reason, res.Stdout, res.Stderr)
			}
			if *res.ExitCode != 0 || res.ExecutionTimeMS == nil || res.CPUTimeMS == nil || *res.MemoryKB <= 0 {
				t.Fatalf("accounting missing: exit %v wall %v cpu %v mem %v", *res.ExitCode, res.ExecutionTimeMS, res.CPUTimeMS, res.MemoryKB)
			}
		})
	}
}

func TestOutcomes(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{UIDBase: 62000})
	tests := []struct {
		name, lang, code, stdin string
		limits                  execution.Limits
		status                  execution.Status
		reason                  execution.Reason
		exit                    int // -1: not checked
		signal                  string
		stdout                  string // checked when not empty
	}{
		{name: "exit 3", lang: "python", code: "import sys\nsys.exit(3)", status: execution.StatusFailed, reason: execution.ReasonExitNonzero, exit: 3},
		{name: "stderr and exit", lang: "bash", code: "echo oops >&2; exit 42", status: execution.StatusFailed, reason: execution.ReasonExitNonzero, exit: 42},
		{name: "stdin echoed", lang: "python", code: "import sys\nprint(sys.stdin.read().upper(), end='')", stdin: "hello\nworld\n", status: execution.StatusCompleted, exit: 0, stdout: "HELLO\nWORLD\n"},
		{name: "stdin to node", lang: "javascript", code: "process.stdin.pipe(process.stdout)", stdin: "abc", status: execution.StatusCompleted, exit: 0, stdout: "abc"},
		{name: "killed by signal", lang: "python", code: "import os\nos.kill(os.getpid(), 11)", status: execution.StatusFailed, reason: execution.ReasonSignal, exit: -1, signal: "SIGSEGV"},
		{name: "memory hog", lang: "python", code: "x = b'x' * (400 << 20)\nprint(len(x))", limits: execution.Limits{MemoryLimitMB: 64}, status: execution.StatusFailed, reason: execution.ReasonMemoryLimit, exit: -1},
		{name: "node memory hog", lang: "javascript", code: "const a=[]; for(;;) a.push(Buffer.alloc(1<<20, 1))", limits: execution.Limits{MemoryLimitMB: 96}, status: execution.StatusFailed, reason: execution.ReasonMemoryLimit, exit: -1},
		{name: "shadow unreadable", lang: "bash", code: "cat /etc/shadow", status: execution.StatusFailed, reason: execution.ReasonExitNonzero, exit: 1},
		{name: "only toolchain visible", lang: "bash", code: "ls /etc /root /home /var 2>/dev/null | tr '\\n' ' '", status: execution.StatusCompleted, exit: 0, stdout: "/etc: alternatives ld.so.cache ld.so.conf ld.so.conf.d localtime mime.types ssl "},
		{name: "minimal environment", lang: "python", code: "import os\nprint(sorted(os.environ))", status: execution.StatusCompleted, exit: 0, stdout: "['HOME', 'LANG', 'OPENBLAS_NUM_THREADS', 'PATH', 'PWD', 'PYTHONDONTWRITEBYTECODE', 'PYTHONIOENCODING', 'TMPDIR']\n"},
		{name: "no network", lang: "python", code: netProbe, status: execution.StatusCompleted, exit: 0, stdout: "blocked blocked\n"},
		{name: "seccomp", lang: "python", code: seccompProbe, status: execution.StatusCompleted, exit: 0, stdout: "unshare -1 1\nmount -1 1\nptrace -1 1\n"},
		{name: "only own processes", lang: "python", code: "import os\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))", status: execution.StatusCompleted, exit: 0, stdout: "[1, 2]\n"},
		{name: "fork bomb", lang: "bash", code: ":(){ :|:& };:\nsleep 2", limits: execution.Limits{MaxProcesses: 32, TimeLimitMS: 30000}, status: execution.StatusFailed, reason: execution.ReasonProcessLimit, exit: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := b.run(t, tt.lang, tt.code, tt.stdin, tt.limits)
			if res.Status != tt.status || res.Reason != tt.reason {
				t.Fatalf("got %s/%q, want %s/%q; stdout %q stderr %q", res.Status, res.Reason, tt.status, tt.reason, res.Stdout, res.Stderr)
			}
			if tt.exit >= 0 && (res.ExitCode == nil || *res.ExitCode != tt.exit) {
				t.Errorf("exit code %v, want %d", res.ExitCode, tt.exit)
			}
			if res.Signal != tt.signal && tt.signal != "" {
				t.Errorf("signal %q, want %q", res.Signal, tt.signal)
			}
			if tt.stdout != "" && res.Stdout != tt.stdout {
				t.Errorf("stdout %q, want %q (stderr %q)", res.Stdout, tt.stdout, res.Stderr)
			}
		})
	}
}

// netProbe tries the host's loopback (where Redis and PostgreSQL listen) and the internet.
const netProbe = `import socket
r = []
for addr in [("127.0.0.1", 6379), ("1.1.1.1", 53)]:
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(addr)
        r.append("connected")
    except OSError:
        r.append("blocked")
print(*r)`

// seccompProbe calls denied syscalls and prints their return value and errno (1 is EPERM).
const seccompProbe = `import ctypes
libc = ctypes.CDLL(None, use_errno=True)
for name, args in [("unshare", (0x10000000,)), ("mount", (b"none", b"/tmp", b"tmpfs", 0, None)), ("ptrace", (16, 1, 0, 0))]:
    ctypes.set_errno(0)
    r = getattr(libc, name)(*args)
    print(name, r, ctypes.get_errno())`

func TestTimeLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{UIDBase: 63000})
	tests := []struct{ lang, code string }{
		{"python", "while True: pass"},
		{"bash", "while :; do :; done"},
		{"javascript", "for(;;){}"},
		{"python", "import time\ntime.sleep(100)"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			res := b.run(t, tt.lang, tt.code, "", execution.Limits{TimeLimitMS: 1500})
			// The limit ends the run, not the program: bounded by the limit plus a grace wide
			// enough for setup and teardown on a slow, loaded host.
			if bound := testsvc.Scale(1500*time.Millisecond + timeGrace); time.Since(start) > bound {
				t.Errorf("run took %v, want under the limit + grace (%v)", time.Since(start), bound)
			}
			if res.Status != execution.StatusTimeout || res.Reason != execution.ReasonTimeLimit {
				t.Fatalf("got %s/%q, want TIMEOUT/time_limit", res.Status, res.Reason)
			}
		})
	}
}

func TestOutputLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{UIDBase: 64000})
	const limit = 1 << 20
	pattern := "0123456789abcdef\n"
	want := strings.Repeat(pattern, limit/len(pattern)+1)[:limit]
	tests := []struct{ lang, code string }{
		{"python", "import sys\nwhile True: sys.stdout.write('0123456789abcdef\\n' * 100)"},
		{"bash", "while :; do echo 0123456789abcdef; done"},
		// A tight loop never lets process.stdout drain: it would hit the memory limit first.
		{"javascript", "const fs=require('fs'); const s='0123456789abcdef\\n'.repeat(1000); for(;;) fs.writeSync(1, s)"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			res := b.run(t, tt.lang, tt.code, "", execution.Limits{OutputLimitBytes: limit, TimeLimitMS: 10000})
			if res.Status != execution.StatusFailed || res.Reason != execution.ReasonOutputLimit {
				t.Fatalf("got %s/%q, want FAILED/output_limit", res.Status, res.Reason)
			}
			if res.Stdout != want || res.Output != want {
				t.Fatalf("kept %d bytes of stdout, %d of output; want exactly the first %d", len(res.Stdout), len(res.Output), limit)
			}
		})
	}
}
