// The host-side /etc tree must be read-only: writing through it would change the host's files.

package sandbox

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func TestEtcTreeIsReadOnlyOnTheHost(t *testing.T) {
	dir := t.TempDir()
	if err := makeEtcTree(dir, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		entries, _ := os.ReadDir(filepath.Join(dir, "etc"))
		for _, e := range entries { // detach every bind before the temp dir is removed
			_ = unix.Unmount(filepath.Join(dir, "etc", e.Name()), unix.MNT_DETACH)
		}
		_ = unix.Unmount(filepath.Join(dir, "etc", "ssl", "certs"), unix.MNT_DETACH)
	})
	// Creating a file inside a bound host directory must fail: deleting one would too.
	probe := filepath.Join(dir, "etc", "alternatives", ".livecode-probe")
	f, err := os.OpenFile(probe, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err == nil {
		f.Close()
		os.Remove(probe)
		t.Fatal("the etc tree lets the host write into /etc/alternatives")
	}
	if !errors.Is(err, syscall.EROFS) {
		t.Fatalf("creating in the etc tree: %v, want EROFS", err)
	}
}
