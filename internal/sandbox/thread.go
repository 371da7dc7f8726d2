// Per-thread state changes (credentials, v1 cgroups) made on a locked thread of our own.

package sandbox

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// onLockedThread runs f on a thread locked to it, passing the thread's id. f reports whether
// it left the thread as it found it; if not, the thread ends with its goroutine instead of
// running other goroutines in an unknown state.
func onLockedThread(f func(tid int) (restored bool, err error)) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		ok, err := f(unix.Gettid())
		if ok {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}
