// Host checks before serving: what the sandbox needs from the kernel, the cgroups and the uids.
package sandbox

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/cgroups/v3"
	"golang.org/x/sys/unix"

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
	cfg.KeepCgroupMount = true
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

// checkCgroups finds the hierarchy and the controllers available where run cgroups go.
func checkCgroups(cfg Config) Finding {
	f := Finding{Name: "cgroups", Fatal: true}
	switch cgroups.Mode() {
	case cgroups.Legacy, cgroups.Hybrid:
		var missing []string
		for _, c := range v1Controllers() {
			if _, err := os.Stat(filepath.Join(cgroupV1Root, c, "cgroup.procs")); err != nil {
				missing = append(missing, c)
			}
		}
		f.OK = len(missing) == 0
		f.Detail = fmt.Sprintf("v1 (%s), runs under %s/<controller>/%s", modeName(), cgroupV1Root, cfg.CgroupParent)
		if !f.OK {
			f.Detail += "; not mounted: " + strings.Join(missing, " ")
			f.Hint = "mount the missing v1 controllers under /sys/fs/cgroup, or boot with the unified hierarchy"
		}
	case cgroups.Unified:
		f.OK, f.Detail, f.Hint = checkCgroupV2(filepath.Join(cgroupV2Root, cfg.CgroupParent))
	default:
		f.Detail, f.Hint = "no cgroup hierarchy at /sys/fs/cgroup", "mount cgroup2 on /sys/fs/cgroup"
	}
	return f
}

// checkCgroupV2 checks that the nearest existing cgroup on the way to dir offers the controllers
// runs need, and that livecode can write there.
func checkCgroupV2(dir string) (ok bool, detail, hint string) {
	at := dir
	for ; at != cgroupV2Root; at = filepath.Dir(at) {
		if _, err := os.Stat(at); err == nil {
			break
		}
	}
	b, err := os.ReadFile(filepath.Join(at, "cgroup.controllers"))
	if err != nil {
		return false, "v2: " + err.Error(), "mount cgroup2 on /sys/fs/cgroup"
	}
	have := strings.Fields(string(b))
	var missing []string
	for _, c := range []string{"memory", "pids", "cpu"} {
		if !slices.Contains(have, c) {
			missing = append(missing, c)
		}
	}
	detail = fmt.Sprintf("v2, runs under %s; %s offers: %s", dir, at, strings.Join(have, " "))
	if len(missing) > 0 {
		return false, detail + "; missing: " + strings.Join(missing, " "),
			"enable the controllers in the parent's cgroup.subtree_control (systemd: Delegate=yes)"
	}
	if err := unix.Access(at, unix.W_OK); err != nil {
		return false, detail + "; not writable: " + err.Error(), "delegate the cgroup to livecode (systemd: Delegate=yes)"
	}
	return true, detail, ""
}

func modeName() string {
	if cgroups.Mode() == cgroups.Hybrid {
		return "hybrid"
	}
	return "legacy"
}

// checkWorkRoot makes sure the sandbox uids can reach their mounts under the work root: every
// existing ancestor must be searchable by others.
func checkWorkRoot(root string) Finding {
	f := Finding{Name: "work dir", Fatal: true, OK: true, Detail: root}
	for dir := filepath.Dir(root); ; dir = filepath.Dir(dir) {
		if fi, err := os.Stat(dir); err == nil && fi.Mode().Perm()&0o001 == 0 {
			f.OK, f.Detail = false, fmt.Sprintf("%s: %s is %v, not searchable by the sandbox uids", root, dir, fi.Mode().Perm())
			f.Hint = "chmod o+x " + dir + ", or choose another work dir"
		}
		if dir == "/" {
			return f
		}
	}
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

// checkUIDs makes sure no account and no process already uses the sandbox uids: a run could
// then signal that process or read that account's files.
func checkUIDs(cfg Config) Finding {
	lo, hi := cfg.UIDBase, cfg.UIDBase+cfg.Slots-1
	f := Finding{Name: "sandbox uids", Fatal: true, Detail: fmt.Sprintf("%d-%d (%d slots)", lo, hi, cfg.Slots)}
	var used []string
	for id := lo; id <= hi; id++ {
		if u, err := user.LookupId(strconv.Itoa(id)); err == nil {
			used = append(used, fmt.Sprintf("user %s is %d", u.Username, id))
		}
		if g, err := user.LookupGroupId(strconv.Itoa(id)); err == nil {
			used = append(used, fmt.Sprintf("group %s is %d", g.Name, id))
		}
	}
	used = append(used, processesWithUIDs(lo, hi)...)
	f.OK = len(used) == 0
	if !f.OK {
		f.Detail += "; in use: " + strings.Join(used[:min(len(used), 5)], ", ")
		f.Hint = "pick a free range with SANDBOX_UID_BASE, or stop what runs under those uids"
	}
	return f
}

// processesWithUIDs lists the live processes whose real or effective uid is in [lo, hi]. Zombies
// are left out: they run nothing and own nothing, and runs' orphans stay zombies for a while on
// hosts whose init reaps late.
func processesWithUIDs(lo, hi int) []string {
	ents, _ := os.ReadDir("/proc")
	var found []string
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		st, err := os.Open(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		var name, state string
		sc := bufio.NewScanner(st)
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), ":")
			switch k {
			case "Name":
				name = strings.TrimSpace(v)
			case "State":
				state = strings.TrimSpace(v)
			case "Uid":
				for _, u := range strings.Fields(v)[:2] {
					if n, _ := strconv.Atoi(u); n >= lo && n <= hi && !strings.HasPrefix(state, "Z") {
						found = append(found, fmt.Sprintf("pid %s (%s, %s) uid %s", e.Name(), name, state, u))
						break
					}
				}
			}
		}
		st.Close()
	}
	return found
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
	defer sb.Wait()
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
