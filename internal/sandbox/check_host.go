// Host checks of where runs live: the cgroups, the sandbox uids and the work dir.

package sandbox

import (
	"bufio"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/containerd/cgroups/v3"
	"golang.org/x/sys/unix"
)

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
