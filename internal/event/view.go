// The document of an execution: what GET /executions/{id} returns and the "result" event carries.

package event

import (
	"encoding/json"
	"time"

	"livecode/internal/execution"
)

// ExecutionView is a whole execution as clients see it; what is not known yet is null.
type ExecutionView struct {
	ExecutionID     string           `json:"execution_id"`
	SessionID       string           `json:"session_id"`
	Language        string           `json:"language"`
	Status          execution.Status `json:"status" enum:"QUEUED,RUNNING,COMPLETED,FAILED,TIMEOUT,CANCELLED"`
	Stdout          *string          `json:"stdout"`
	Stderr          *string          `json:"stderr"`
	Output          *string          `json:"output" doc:"stdout and stderr interleaved in the order the program wrote them"`
	CompileOutput   *string          `json:"compile_output"`
	CompileTimeMS   *int64           `json:"compile_time_ms" doc:"Time the compile step took; null when the language does not compile or the compile cache had the program"`
	ExitCode        *int             `json:"exit_code"`
	Signal          *string          `json:"signal"`
	Reason          *string          `json:"reason" doc:"Why the execution ended as it did, e.g. exit_nonzero, time_limit, memory_limit, output_limit, internal"`
	ExecutionTimeMS *int64           `json:"execution_time_ms"`
	CPUTimeMS       *int64           `json:"cpu_time_ms"`
	MemoryKB        *int64           `json:"memory_kb"`
	Attempts        int              `json:"attempts"`
	Limits          execution.Limits `json:"limits"`
	QueuedAt        time.Time        `json:"queued_at"`
	StartedAt       *time.Time       `json:"started_at" nullable:"true"`
	FinishedAt      *time.Time       `json:"finished_at" nullable:"true"`
}

// View is e as clients see it: output and signal only once it is terminal, times in UTC.
func View(e execution.Execution) ExecutionView {
	v := ExecutionView{ExecutionID: e.ID, SessionID: e.SessionID, Language: e.Language, Status: e.Status,
		ExitCode: e.Result.ExitCode, ExecutionTimeMS: e.Result.ExecutionTimeMS,
		CPUTimeMS: e.Result.CPUTimeMS, MemoryKB: e.Result.MemoryKB, CompileTimeMS: e.Result.CompileTimeMS, Attempts: e.Attempts, Limits: e.Limits,
		QueuedAt: e.QueuedAt.UTC(), StartedAt: utc(e.StartedAt), FinishedAt: utc(e.FinishedAt)}
	if e.Status.Terminal() {
		r := e.Result
		v.Reason = nonEmpty(string(r.Reason))
		v.Stdout, v.Stderr, v.Output = &r.Stdout, &r.Stderr, &r.Output
		v.Signal, v.CompileOutput = nonEmpty(r.Signal), nonEmpty(r.CompileOutput)
	}
	return v
}

// ResultJSON is the Data of e's final "result" event: the JSON of View(e). It fails only if
// the execution cannot be encoded.
func ResultJSON(e execution.Execution) ([]byte, error) { return json.Marshal(View(e)) }

// nonEmpty is s, or nil (JSON null) when it is empty.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
