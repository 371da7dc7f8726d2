// What starting a process inside a run cgroup costs: born there (how runs start) against moved
// there after the start (how they used to, two processes: bubblewrap and its child).

package sandbox

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"livecode/internal/proctest"
)

func BenchmarkRunCgroupStart(b *testing.B) {
	const parent = "livecode-bench-start"
	d, err := newCgroupDriver(parent, opaqueID())
	if err != nil {
		b.Skip(err)
	}
	b.Cleanup(func() { _ = d.close(); proctest.RemoveCgroups(parent) })
	l := cgroupLimits{memoryBytes: 64 << 20, pids: 16, cpus: 1}
	cycle := func(b *testing.B, start func(cg runCgroup) ([]*exec.Cmd, error)) {
		for b.Loop() {
			cg, err := d.create(opaqueID(), l)
			if err != nil {
				b.Fatal(err)
			}
			cmds, err := start(cg)
			if err != nil {
				b.Fatal(err)
			}
			if err := cg.kill(); err != nil {
				b.Fatal(err)
			}
			for _, c := range cmds {
				_ = c.Wait()
			}
			if err := cg.remove(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("born inside", func(b *testing.B) {
		cycle(b, func(cg runCgroup) ([]*exec.Cmd, error) {
			c := exec.Command("/bin/sleep", "100")
			c.SysProcAttr = &syscall.SysProcAttr{}
			return []*exec.Cmd{c}, cg.start(c)
		})
	})
	if _, ok := d.(*cgroupV1); !ok {
		return // the former way is measured on v1 hosts, where runs used it
	}
	b.Run("moved after start", func(b *testing.B) {
		cycle(b, func(cg runCgroup) ([]*exec.Cmd, error) {
			var cmds []*exec.Cmd
			for range 2 {
				c := exec.Command("/bin/sleep", "100")
				if err := c.Start(); err != nil {
					return cmds, err
				}
				cmds = append(cmds, c)
				for _, dir := range cg.(*runCgroupV1).unique {
					if err := writeFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(c.Process.Pid))); err != nil {
						return cmds, err
					}
				}
			}
			return cmds, nil
		})
	})
}
