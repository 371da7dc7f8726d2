// The worker's goroutines (lease keeper, reaper) must all end with their runs.

package worker

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
