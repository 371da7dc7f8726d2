// Host checks before serving: bubblewrap, user namespaces, seccomp and a trivial run (see check_host.go for the rest).

package sandbox

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"livecode/internal/execution"
	"livecode/internal/language"
)

// Finding is the outcome of one host check.
type Finding struct {
	Name   string
	OK     bool
	Fatal  bool   // when not OK: serving would fail (else it only degrades)
	Detail string // what was found
	Hint   string // how to fix it, when not OK
}

// Check inspects the host for a sandbox configured by cfg (with Slots the number of concurrent
// runs) and returns one finding per check. It ends by starting a trivial sandboxed run, which
// proves bubblewrap, user namespaces, the cgroups and seccomp together. It changes nothing on
// the host beyond that run's own, removed, cgroup and work dir (favordynmods is left alone).
func Check(ctx context.Context, cfg Config) []Finding {
	cfg.FavorDynMods = false
	cfg, err := cfg.withDefaults()
	if err != nil {
		return []Finding{{Name: "configuration", Fatal: true, Detail: err.Error(), Hint: "fix the sandbox settings"}}
	}
	fs := []Finding{checkRoot(), checkBwrap(cfg), checkUserns(), checkCgroups(cfg), checkSeccomp(), checkUIDs(cfg),
		checkWorkRoot(cfg.WorkRoot)}
	if cfg.Level == "gvisor" {
		fs = append(fs, checkRunsc(cfg))
	}
	return append(fs, checkRun(ctx, cfg))
}

func checkRoot() Finding {
	f := Finding{Name: "root", Fatal: true, OK: os.Geteuid() == 0, Detail: fmt.Sprintf("euid %d", os.Geteuid())}
	f.Hint = "run livecode as root (it creates cgroups and switches to the sandbox uids)"
	return f
}

func checkBwrap(cfg Config) Finding {
	f := Finding{Name: "bubblewrap", Fatal: cfg.Level == "bwrap"}
	out, err := exec.Command(cfg.BwrapPath, "--version").Output()
	f.OK, f.Detail = err == nil, strings.TrimSpace(string(out))
	if err != nil {
		f.Detail = fmt.Sprintf("%s: %v", cfg.BwrapPath, err)
		f.Hint = "install bubblewrap (apt-get install bubblewrap; dnf install bubblewrap)"
	}
	return f
}

// checkUserns reads the knobs that forbid unprivileged user namespaces: bubblewrap is not
// setuid here and runs as the sandbox uid.
func checkUserns() Finding {
	f := Finding{Name: "user namespaces", Fatal: true, OK: true}
	knobs := []struct{ path, bad, hint string }{
		{"/proc/sys/user/max_user_namespaces", "0", "sysctl -w user.max_user_namespaces=15000"},
		{"/proc/sys/kernel/unprivileged_userns_clone", "0", "sysctl -w kernel.unprivileged_userns_clone=1"},
		{"/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1",
			"sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile allowing userns for bwrap"},
	}
	var seen []string
	for _, k := range knobs {
		b, err := os.ReadFile(k.path)
		if err != nil {
			continue // the knob does not exist on this kernel
		}
		v := strings.TrimSpace(string(b))
		seen = append(seen, filepath.Base(k.path)+"="+v)
		if v == k.bad {
			f.OK, f.Hint = false, k.hint
		}
	}
	f.Detail = strings.Join(seen, " ")
	return f
}

// checkSeccomp reads the filter actions the kernel offers: the sandbox's filter returns errors
// and kills.
func checkSeccomp() Finding {
	f := Finding{Name: "seccomp", Fatal: true}
	b, err := os.ReadFile("/proc/sys/kernel/seccomp/actions_avail")
	f.Detail = "actions: " + strings.TrimSpace(string(b))
	f.OK = err == nil && strings.Contains(string(b), "errno") && strings.Contains(string(b), "kill_process")
	if !f.OK {
		f.Hint = "use a kernel built with CONFIG_SECCOMP_FILTER"
		if err != nil {
			f.Detail = err.Error()
		}
	}
	return f
}

func checkRunsc(cfg Config) Finding {
	f := Finding{Name: "gvisor", Fatal: true}
	out, err := exec.Command(cfg.RunscPath, "--version").Output()
	f.OK, f.Detail = err == nil, strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0]
	if err != nil {
		f.Detail, f.Hint = fmt.Sprintf("%s: %v", cfg.RunscPath, err), "install runsc (gVisor), or set SANDBOX=bwrap"
	}
	return f
}

// checkRun starts a trivial program in a one-slot sandbox like the service's.
func checkRun(ctx context.Context, cfg Config) Finding {
	f := Finding{Name: "trivial run", Fatal: true,
		Hint: "see the checks above; the service's log names what fails"}
	cfg.Slots = 1
	sb, err := New(cfg)
	if err != nil {
		f.Detail = err.Error()
		return f
	}
	defer sb.Close() // its instance: dir, /dev, cgroups
	sh := language.Language{ID: "sh", SourceFile: "main.sh", Run: []string{"/bin/sh", "main.sh"}}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	start := time.Now()
	res, err := sb.Run(ctx, Spec{Language: sh, Files: []execution.File{{Content: "echo ok"}},
		Limits: execution.Limits{TimeLimitMS: 30000}})
	switch {
	case err != nil:
		f.Detail = err.Error()
	case res.Status != execution.StatusCompleted || res.Stdout != "ok\n":
		f.Detail = fmt.Sprintf("%s/%s stdout %q stderr %.200q", res.Status, res.Reason, res.Stdout, res.Stderr)
	default:
		f.OK, f.Detail = true, fmt.Sprintf("%s sandbox ran /bin/sh in %v", cfg.Level, time.Since(start).Round(time.Millisecond))
	}
	return f
}
