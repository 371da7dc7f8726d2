package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"livecode/internal/execution"
	"livecode/internal/language"
)

func med(d []time.Duration) string {
	slices.Sort(d)
	return fmt.Sprintf("%7.3f ms", float64(d[len(d)/2].Microseconds())/1000)
}

func TestZZPhases(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	work := t.TempDir()
	os.Chmod(work, 0o711)
	os.Chmod(filepath.Dir(work), 0o711)
	os.Chmod("/tmp", 0o1777)
	s, err := New(Config{WorkRoot: work, CgroupParent: "livecode-zz", UIDBase: 69500, Slots: 1})
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	names := []string{"wd create", "wd write", "wd remove", "cg create", "cg remove", "cg usage", "confine", "rlimits"}
	times := make([][]time.Duration, len(names))
	for i := range n {
		name := fmt.Sprintf("%d-69500-%d-zz", os.Getpid(), i)
		t0 := time.Now()
		wd, err := newWorkDir(work+"/"+name, 69500, 64<<20, 4096)
		if err != nil {
			t.Fatal(err)
		}
		t1 := time.Now()
		if err := wd.writeFiles([]execution.File{{Name: "main.py", Content: "pass"}}, 69500); err != nil {
			t.Fatal(err)
		}
		t2 := time.Now()
		cg, err := s.cgroups.create(name, cgroupLimits{memoryBytes: 256 << 20, pids: 67, cpus: 1})
		if err != nil {
			t.Fatal(err)
		}
		t3 := time.Now()
		c := exec.Command("/bin/sleep", "10")
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 69500, Gid: 69500, Groups: []uint32{}}}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t4 := time.Now()
		if err := confine([]int{c.Process.Pid}, cg.procFiles(), 69500, nil); err != nil {
			t.Fatal(err)
		}
		t5 := time.Now()
		if err := setRlimits(69500, c.Process.Pid, s.rlimits(s.cfg.Defaults)); err != nil {
			t.Fatal(err)
		}
		t6 := time.Now()
		c.Process.Kill()
		c.Wait()
		for !cg.empty() {
			time.Sleep(100 * time.Microsecond)
		}
		t7 := time.Now()
		if _, err := cg.usage(); err != nil {
			t.Fatal(err)
		}
		t8 := time.Now()
		if err := cg.remove(); err != nil {
			t.Fatal(err)
		}
		t9 := time.Now()
		if err := wd.remove(); err != nil {
			t.Fatal(err)
		}
		t10 := time.Now()
		for k, d := range []time.Duration{t1.Sub(t0), t2.Sub(t1), t10.Sub(t9), t3.Sub(t2), t9.Sub(t8), t8.Sub(t7), t5.Sub(t4), t6.Sub(t5)} {
			times[k] = append(times[k], d)
		}
	}
	for k, nm := range names {
		t.Logf("%-12s %s", nm, med(times[k]))
	}
}

func TestZZRun(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	work := t.TempDir()
	os.Chmod(work, 0o711)
	os.Chmod(filepath.Dir(work), 0o711)
	s, err := New(Config{WorkRoot: work, CgroupParent: "livecode-zz", UIDBase: 69500, Slots: 1})
	if err != nil {
		t.Fatal(err)
	}
	py := languagePython()
	const n = 100
	var bare []time.Duration
	for range n {
		t0 := time.Now()
		exec.Command("/usr/bin/python3", "-c", "pass").Run()
		bare = append(bare, time.Since(t0))
		ZZ = append(ZZ, map[string]time.Duration{})
		zzT = time.Now()
		res, err := s.Run(t.Context(), Spec{Language: py, Files: []execution.File{{Content: "pass"}}})
		if err != nil || res.Status != execution.StatusCompleted {
			t.Fatal(err, res)
		}
		ZZ[len(ZZ)-1]["return"] = time.Since(zzT)
	}
	t.Logf("bare %s", med(bare))
	for _, p := range []string{"pipes", "started", "cgcreated", "held", "confined", "released", "waited", "awaited", "done", "return"} {
		var d []time.Duration
		for _, m := range ZZ {
			d = append(d, m[p])
		}
		t.Logf("%-10s %s", p, med(d))
	}
}

func languagePython() language.Language {
	r, _ := language.Load("")
	l, _ := r.Lookup("python")
	return l
}
