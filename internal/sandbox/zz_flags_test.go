package sandbox

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestZZFlags(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	full := strings.Join(mountArgs(hostPaths()), " ")
	usr := "--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/sbin /sbin --symlink usr/lib /lib --symlink usr/lib64 /lib64"
	ns := "--unshare-all --die-with-parent --new-session --hostname livecode --clearenv --setenv PATH /usr/bin "
	tail := " --proc /proc --bind /tmp/ovh/w/work /work --bind /tmp/ovh/w/tmp /tmp --chdir /work " + os.Getenv("ZZPROG")
	variants := []struct{ name, args string }{
		{"bare", ""},
		{"current", ns + full + " --dev /dev" + tail},
		{"devdir", ns + full + " --dev-bind /tmp/ovh/dev /dev" + tail},
		{"devdir+etctree", ns + usr + " --ro-bind /tmp/ovh/etc /etc --dev-bind /tmp/ovh/dev /dev" + tail},
		{"devdir noetc", ns + usr + " --dev-bind /tmp/ovh/dev /dev" + tail},
	}
	cred := &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 69001, Gid: 69001, Groups: []uint32{}}}
	times := make([][]time.Duration, len(variants))
	for range 150 {
		for i, v := range variants {
			var c *exec.Cmd
			if v.args == "" {
				c = exec.Command(strings.Fields(os.Getenv("ZZPROG"))[0], strings.Fields(os.Getenv("ZZPROG"))[1:]...)
			} else {
				c = exec.Command("/usr/bin/bwrap", strings.Fields(v.args)...)
			}
			c.SysProcAttr = cred
			s := time.Now()
			if out, err := c.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v %s", v.name, err, out)
			}
			times[i] = append(times[i], time.Since(s))
		}
	}
	for i, v := range variants {
		t.Logf("%-16s %s", v.name, med(times[i]))
	}
}
