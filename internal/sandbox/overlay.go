// Joining a cached build to a run: one overlay mount, whatever the number of cached files.

package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// The overlay's directories in the run's tmpfs, beside work/ (its upper layer) and tmp/.
const (
	overlayScratch = "ovl"  // overlayfs's own workdir: root's, never bound into the sandbox
	overlayView    = "view" // the merged tree, bound as /work instead of work/
)

// overlay mounts, at the work dir's view/, the cache entry lower (read-only) under work/, which
// holds the program's sources and takes everything the run writes. The program sees one
// directory: bubblewrap binds it with one option, so a cached run starts like an uncached one
// whatever the entry holds. Writes never reach lower: overlayfs copies a file up into work/
// before changing it, and the entry's files are root's 0644/0755, so the program cannot open
// them for writing anyway. It returns the host path to bind as /work; remove unmounts it.
func (w *workDir) overlay(lower string) (string, error) {
	// overlayfs's option syntax gives ',' ':' and '\' a meaning; the paths are ours, so refuse
	// rather than escape.
	for _, p := range []string{lower, w.path} {
		if strings.ContainsAny(p, ",:\\") {
			return "", fmt.Errorf("sandbox: overlay path %q holds one of , : \\", p)
		}
	}
	view := filepath.Join(w.path, overlayView)
	for _, d := range []string{filepath.Join(w.path, overlayScratch), view} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return "", fmt.Errorf("sandbox: overlay: %w", err)
		}
	}
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", lower, filepath.Join(w.path, "work"), filepath.Join(w.path, overlayScratch))
	if err := unix.Mount("livecode-cached", view, "overlay", unix.MS_NOSUID|unix.MS_NODEV, opts); err != nil {
		return "", fmt.Errorf("sandbox: mount overlay: %w", err)
	}
	return view, nil
}

// unmountOverlay detaches the work dir's overlay, if it has one.
func (w *workDir) unmountOverlay() error {
	err := unix.Unmount(filepath.Join(w.path, overlayView), unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW)
	if err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("sandbox: unmount overlay: %w", err)
	}
	return nil
}

// probeOverlay mounts one overlay the way a cached run does, in a throw-away work dir under
// root, so that a host without overlayfs is found at start (its cached builds are then copied).
// The dir is named like a run's, so the start-up sweep removes it should we crash meanwhile.
func probeOverlay(root string) error {
	w, err := newWorkDir(fmt.Sprintf("%s/%d-overlay-probe", root, os.Getpid()), 0, 1<<20, 64)
	if err != nil {
		return err
	}
	_, err = w.overlay(filepath.Join(w.path, "tmp"))
	return errors.Join(err, w.remove())
}
