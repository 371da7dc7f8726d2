// The bubblewrap command line of a run: namespaces, read-only toolchain mounts, the work tmpfs.

package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// hostPaths are bound read-only into every sandbox when they exist on the host.
func hostPaths() []string {
	return []string{
		"/usr", "/bin", "/sbin", "/lib", "/lib64",
		"/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
		"/etc/localtime", "/etc/ssl/certs", "/etc/mime.types",
	}
}

// sandboxEnv is the whole environment of a program, before its language's additions.
func sandboxEnv() []string {
	return []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/work", "LANG=C.UTF-8", "TMPDIR=/tmp"}
}

// mountArgs binds each existing path read-only; a top-level symlink (as /bin -> usr/bin on
// merged-/usr systems) is recreated as a symlink instead of a second mount.
func mountArgs(paths []string) []string {
	var args []string
	for _, p := range paths {
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if fi.Mode()&os.ModeSymlink != 0 && filepath.Dir(p) == "/" {
			if target, err := os.Readlink(p); err == nil {
				args = append(args, "--symlink", target, p)
				continue
			}
		}
		args = append(args, "--ro-bind", p, p)
	}
	return args
}

// bwrapOptions are bubblewrap's options (everything before "--") running a program in the
// work dir. They reach bubblewrap through --args, not its argv: the host's argv limits bind
// only the program's own arguments, and /proc/1/cmdline in the sandbox (bubblewrap's pid 1)
// shows no host path. The seccomp program, the status and the block descriptors are seccompFD,
// statusFD and blockFD; static is bwrapStatic's, and dir/etc must have been made by
// makeEtcTree. work, when set, is bound as /work instead of dir/work.
func bwrapOptions(static []string, lang []string, dir string, env []string, work string) []string {
	if work == "" {
		work = filepath.Join(dir, "work")
	}
	args := []string{
		// --unshare-all only tries the cgroup namespace: required here, it hides the host's
		// cgroup paths (the run is born in its cgroup, so the namespace is rooted there).
		"--unshare-all", "--unshare-cgroup", "--die-with-parent", "--new-session",
		"--hostname", "livecode",
		"--clearenv",
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		args = append(args, "--setenv", k, v)
	}
	args = append(args, static...) // /dev included
	// The run's etc tree (makeEtcTree) holds the /etc paths of the host and of the language.
	args = append(args, "--ro-bind", filepath.Join(dir, "etc"), "/etc")
	args = append(args, withoutEtc(lang)...)
	args = append(args,
		"--proc", "/proc",
		"--bind", work, "/work",
		"--bind", filepath.Join(dir, "tmp"), "/tmp",
	)
	return append(args,
		"--chdir", "/work",
		"--seccomp", strconv.Itoa(seccompFD),
		"--json-status-fd", strconv.Itoa(statusFD),
		"--block-fd", strconv.Itoa(blockFD),
	)
}

// bwrapArgv is bubblewrap's argv (argv[0] included): its options read from argsFD, then the
// program's argv.
func bwrapArgv(argv []string) []string {
	return append([]string{"bwrap", "--args", strconv.Itoa(argsFD), "--"}, argv...)
}

// argsData is opts in --args' format, each followed by a NUL. An option holding a NUL would
// split into two: it is refused.
func argsData(opts []string) ([]byte, error) {
	var b []byte
	for _, o := range opts {
		if strings.IndexByte(o, 0) >= 0 {
			return nil, fmt.Errorf("sandbox: bubblewrap option %q holds a NUL", o)
		}
		b = append(append(b, o...), 0)
	}
	return b, nil
}
