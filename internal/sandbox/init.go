// The sandbox init: our own binary re-executed to enter the run's cgroup, set rlimits and drop
// privileges before it becomes bubblewrap.
package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// InitArg is the hidden first argument that makes livecode's binary run InitMain.
const InitArg = "__sandbox-init"

// initErrFD is the descriptor the init reports a failure on; it is close-on-exec, so the host
// reading EOF with no data means the exec of bubblewrap succeeded.
const initErrFD = 4

// initSpec is what the host asks of the init, passed as one JSON argument.
type initSpec struct {
	Procs   []string     `json:"procs"` // cgroup.procs files to join
	UID     int          `json:"uid"`
	GID     int          `json:"gid"`
	Rlimits []initRlimit `json:"rlimits"`
	Path    string       `json:"path"` // program to exec (bubblewrap)
	Argv    []string     `json:"argv"`
}

type initRlimit struct {
	Resource int    `json:"resource"`
	Limit    uint64 `json:"limit"`
}

// InitMain is the sandbox init, run as `livecode __sandbox-init SPEC`; args are the arguments
// after InitArg. It only returns on failure, with exit status 125, after writing the cause to
// descriptor 4 (or stderr when 4 is not open).
func InitMain(args []string) int {
	// no_new_privs and the credentials must be set on the thread that calls execve.
	runtime.LockOSThread()
	if err := initRun(args); err != nil {
		msg := []byte("sandbox init: " + err.Error())
		if _, werr := unix.Write(initErrFD, msg); werr != nil {
			fmt.Fprintln(os.Stderr, string(msg))
		}
		return 125
	}
	return 0 // unreachable: initRun execs on success
}

func initRun(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("want 1 argument, got %d", len(args))
	}
	var spec initSpec
	if err := json.Unmarshal([]byte(args[0]), &spec); err != nil {
		return fmt.Errorf("decode spec: %w", err)
	}
	if spec.UID == 0 || spec.GID == 0 {
		return fmt.Errorf("refusing to run as root")
	}
	unix.CloseOnExec(initErrFD)
	pid := []byte(strconv.Itoa(os.Getpid()))
	for _, f := range spec.Procs {
		if err := os.WriteFile(f, pid, 0); err != nil {
			return fmt.Errorf("join cgroup: %w", err)
		}
	}
	for _, r := range spec.Rlimits {
		lim := unix.Rlimit{Cur: r.Limit, Max: r.Limit}
		if err := unix.Setrlimit(r.Resource, &lim); err != nil {
			return fmt.Errorf("setrlimit %d: %w", r.Resource, err)
		}
	}
	// The syscall package applies these to every thread of the process.
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setresgid(spec.GID, spec.GID, spec.GID); err != nil {
		return fmt.Errorf("setresgid: %w", err)
	}
	if err := syscall.Setresuid(spec.UID, spec.UID, spec.UID); err != nil {
		return fmt.Errorf("setresuid: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	err := syscall.Exec(spec.Path, spec.Argv, []string{"PATH=/usr/bin:/bin"})
	return fmt.Errorf("exec %s: %w", spec.Path, err)
}
