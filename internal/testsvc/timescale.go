// Time scale for tests on slow kernels: the factor by which tests stretch their time limits.

package testsvc

import (
	"os"
	"strconv"
	"time"
)

// TimeScaleEnv names the factor (a number ≥ 1) by which tests multiply every time limit and
// every wall-time bound they assert. A nested kernel such as user-mode-linux touches memory
// about 60 MB/s, so a run reaching its memory limit there needs far more time than on a host;
// scaling keeps each assertion as strict relative to its limit.
const TimeScaleEnv = "LIVECODE_TIME_SCALE"

// TimeScale is the factor set in TimeScaleEnv, 1 when unset or not a number ≥ 1.
func TimeScale() float64 {
	f, err := strconv.ParseFloat(os.Getenv(TimeScaleEnv), 64)
	if err != nil || f < 1 {
		return 1
	}
	return f
}

// ScaleMS scales a limit in milliseconds.
func ScaleMS[T int | int64](ms T) T { return T(float64(ms) * TimeScale()) }

// Scale scales a duration.
func Scale(d time.Duration) time.Duration { return time.Duration(float64(d) * TimeScale()) }
