// Host probes: what the host's kernel does outside any sandbox, for corpus entries whose outcome
// depends on it.

package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"livecode/internal/execution"
)

// probeSource is a tiny C program run bare on the host for the named probe: exit 0 means yes,
// exit 2 means no; anything else is a broken probe.
func probeSource(name string) (code string, ok bool) {
	// int80 makes the i386 system call nr through int $0x80; a fault (SIGSEGV, raised by kernels
	// built without IA32 emulation or booted with ia32_emulation=0, before any seccomp filter
	// runs) is reported as -1000.
	const int80 = `#include <setjmp.h>
#include <signal.h>
#include <unistd.h>
static sigjmp_buf env;
static void fault(int sig) { siglongjmp(env, 1); }
static long int80(long nr) {
	long r;
	signal(SIGSEGV, fault);
	if (sigsetjmp(env, 1)) return -1000;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr) : "memory");
	return r;
}
`
	switch name {
	case "ia32":
		// The 32-bit ABI answers: i386 getpid is 20.
		return int80 + "int main(void) { return int80(20) == getpid() ? 0 : 2; }\n", true
	case "int80-segv":
		return int80 + "int main(void) { return int80(20) == -1000 ? 0 : 2; }\n", true
	case "ipv6":
		// The kernel has IPv6 (user-mode-linux's may not: then it refuses AF_INET6 itself).
		return "#include <sys/socket.h>\n#include <netinet/in.h>\nint main(void) { return socket(AF_INET6, SOCK_STREAM, 0) >= 0 ? 0 : 2; }\n", true
	case "int80-x64":
		// user-mode-linux takes int $0x80 for the 64-bit call of that number: 39 is x86-64 getpid.
		return int80 + "int main(void) { return int80(39) == getpid() ? 0 : 2; }\n", true
	}
	return "", false
}

// hostProbes runs each probe at most once, when an entry first asks for it.
type hostProbes struct {
	dir    string // where probe programs are built
	mu     sync.Mutex
	answer map[string]probeAnswer
}

type probeAnswer struct {
	yes bool
	err error
}

func newHostProbes(dir string) *hostProbes {
	return &hostProbes{dir: dir, answer: map[string]probeAnswer{}}
}

// ask reports whether the host answers yes to the named probe.
func (p *hostProbes) ask(name string) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if a, ok := p.answer[name]; ok {
		return a.yes, a.err
	}
	yes, err := p.run(name)
	p.answer[name] = probeAnswer{yes, err}
	return yes, err
}

func (p *hostProbes) run(name string) (bool, error) {
	code, ok := probeSource(name)
	if !ok {
		return false, fmt.Errorf("unknown host probe %q", name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, bin := filepath.Join(p.dir, name+".c"), filepath.Join(p.dir, name)
	if err := os.WriteFile(c, []byte(code), 0o600); err != nil {
		return false, err
	}
	if out, err := exec.CommandContext(ctx, "gcc", "-O1", "-w", "-o", bin, c).CombinedOutput(); err != nil {
		return false, fmt.Errorf("probe %s: build: %w: %s", name, err, out)
	}
	err := exec.CommandContext(ctx, bin).Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &exit) && exit.ExitCode() == 2:
		return false, nil
	}
	return false, fmt.Errorf("probe %s: neither yes nor no: %w", name, err)
}

// TestAttackHeaderProbes checks that `[probe]` and `[!probe]` lines apply by the host's answer.
func TestAttackHeaderProbes(t *testing.T) {
	t.Parallel()
	const code = "// attack: x\n// [p] expect: COMPLETED\n// [!p] expect: FAILED/signal\n// [!p] signal: SIGSEGV\n// exit: 0\n"
	for _, tt := range []struct {
		yes    bool
		status execution.Status
		signal string
	}{
		{yes: true, status: execution.StatusCompleted},
		{yes: false, status: execution.StatusFailed, signal: "SIGSEGV"},
	} {
		a, err := parseAttack("x.c", "c", code, func(string) (bool, error) { return tt.yes, nil })
		if err != nil {
			t.Fatal(err)
		}
		if a.status != tt.status || a.signal != tt.signal || a.exit == nil || *a.exit != 0 {
			t.Errorf("host says %v: got %s %q exit %v, want %s %q exit 0", tt.yes, a.status, a.signal, deref(a.exit), tt.status, tt.signal)
		}
	}
	broken := func(string) (bool, error) { return false, errors.New("no compiler") }
	if _, err := parseAttack("x.c", "c", code, broken); err == nil {
		t.Error("a failed probe was taken for an answer")
	}
}

// TestHostProbes runs every probe the corpus uses on this host: each must answer yes or no.
func TestHostProbes(t *testing.T) {
	t.Parallel()
	p := newHostProbes(t.TempDir())
	answers := 0
	for _, name := range []string{"ia32", "int80-segv", "int80-x64"} {
		yes, err := p.ask(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("host probe %s: %v", name, yes)
		if yes {
			answers++
		}
	}
	// The int80 probes describe one behaviour each: exactly one must hold.
	if answers != 1 {
		t.Errorf("%d of the int $0x80 probes answered yes, want exactly 1", answers)
	}
	if _, err := p.ask("no-such-probe"); err == nil {
		t.Error("an unknown probe answered")
	}
}
