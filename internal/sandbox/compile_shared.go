// The outcome of a failed compile as shared with the identical compiles that waited for it.

package sandbox

import (
	"encoding/json"
	"fmt"
	"time"

	"livecode/internal/execution"
)

// failedCompile is what a run that waited for an identical failed compile reports: the
// compiler's verdict and messages. Its own compile time stays null: no compiler ran for it.
type failedCompile struct {
	Status   execution.Status `json:"status"`
	Reason   execution.Reason `json:"reason"`
	ExitCode *int             `json:"exit_code,omitempty"`
	Output   string           `json:"output"`
}

func encodeFailure(r execution.Result) []byte {
	b, _ := json.Marshal(failedCompile{Status: r.Status, Reason: r.Reason, ExitCode: r.ExitCode, Output: r.CompileOutput})
	return b // cannot fail: strings, ints and a pointer
}

// decodeFailure returns the failed compile outcome encodeFailure wrote; an error means the
// record is not one (written by a different version sharing the cache).
func decodeFailure(b []byte) (compiled, error) {
	c := compiled{failed: true, release: func() {}}
	var f failedCompile
	if err := json.Unmarshal(b, &f); err != nil || f.Status == "" {
		return c, fmt.Errorf("sandbox: shared compile failure unreadable: %v", err)
	}
	c.result.Status, c.result.Reason, c.result.ExitCode, c.result.CompileOutput = f.Status, f.Reason, f.ExitCode, f.Output
	return c, nil
}

// waitedOut is the result of a run whose wait for an identical compile reached the compile's
// time limit: the same verdict as the compile reaching it.
func waitedOut(limit time.Duration) compiled {
	c := compiled{failed: true, release: func() {}}
	c.result.Status, c.result.Reason = execution.StatusFailed, execution.ReasonCompileError
	c.result.CompileOutput = fmt.Sprintf("livecode: compile time limit (%v) reached waiting for an identical compile\n", limit)
	return c
}
