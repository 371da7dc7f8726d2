// Waiting in tests: on a condition, with a deadline, instead of sleeping a guessed time.

package testsvc

import (
	"testing"
	"time"
)

// Within polls cond until it holds or within (scaled by LIVECODE_TIME_SCALE) has passed, and
// reports whether it held: for a caller whose own checks say what is missing. It polls often
// at first and backs off to 50 ms.
func Within(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(time.Duration(TimeScale() * float64(within)))
	for pause := time.Millisecond; !cond(); pause = min(2*pause, 50*time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pause)
	}
	return true
}

// Await polls check until it returns nil and fails t with check's last error if it does not
// within within (scaled by LIVECODE_TIME_SCALE). Call it from the test's goroutine (it calls
// t.Fatalf); check may call t.Fatal too.
func Await(t testing.TB, within time.Duration, check func() error) {
	t.Helper()
	var err error
	if !Within(within, func() bool { err = check(); return err == nil }) {
		t.Fatalf("%v: not within %v", err, within)
	}
}

// Eventually polls cond until it holds and fails t (naming what) if it does not within
// within (scaled by LIVECODE_TIME_SCALE).
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	if !Within(within, cond) {
		t.Fatalf("%s: not within %v", what, within)
	}
}
