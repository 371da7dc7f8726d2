// Orphan reaping: livecode is a child subreaper, so what a run leaves behind when bubblewrap's
// outer process dies first (the sandbox's pid 1, a zombie) becomes its child, never init's, and
// it reaps them itself: a container where livecode is pid 1 collects no zombies from runs.
package sandbox

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// becomeSubreaper marks this process a child subreaper.
func becomeSubreaper() error { return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) }

// reapOrphans reaps every zombie child of this process that lived in a pid namespace below
// ours, and reports how many. Those are orphans of sandboxes: this process starts its own
// children (bubblewrap, runsc, anything else) in its own pid namespace, and leaves their reaping
// to whoever started them (exec.Cmd.Wait). Orphans appear once their parent dies, so call it
// after a run's processes are all dead.
func reapOrphans() int {
	var n int
	depth := ownPidDepth()
	for _, pid := range children() {
		if !orphanZombie(pid, depth) {
			continue
		}
		var ws unix.WaitStatus
		if got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil); err == nil && got == pid {
			n++
		}
	}
	return n
}

// children lists this process's children: each thread has its own list.
func children() []int {
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	var pids []int
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// orphanZombie reports whether pid is a zombie that has a pid in a namespace below ours, which
// is depth namespaces deep.
func orphanZombie(pid, depth int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return false
	}
	var zombie, nested bool
	for _, line := range bytes.Split(b, []byte("\n")) {
		k, v, _ := bytes.Cut(line, []byte(":"))
		switch string(k) {
		case "State":
			zombie = bytes.HasPrefix(bytes.TrimSpace(v), []byte("Z"))
		case "NSpid":
			nested = len(bytes.Fields(v)) > depth
		}
	}
	return zombie && nested
}

// ownPidDepth is the number of pid namespaces this process is seen in.
func ownPidDepth() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 1
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("NSpid:")); ok {
			return len(bytes.Fields(v))
		}
	}
	return 1
}
