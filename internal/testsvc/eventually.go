// Waiting in tests: on a condition, with a deadline, instead of sleeping a guessed time.

package testsvc

import (
	"testing"
	"time"
)

// Eventually polls cond until it holds and fails t (naming what) if it does not within
// within (scaled by LIVECODE_TIME_SCALE). It polls often at first and backs off to 50 ms.
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Duration(TimeScale() * float64(within)))
	for pause := time.Millisecond; !cond(); pause = min(2*pause, 50*time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(pause)
	}
}
