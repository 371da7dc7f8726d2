// Views: the JSON shapes of sessions, executions and languages as clients see them.

package api

import (
	"time"

	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/session"
)

// sessionView is a whole session.
type sessionView struct {
	SessionID       string            `json:"session_id"`
	Status          session.Status    `json:"status" enum:"ACTIVE,CLOSED"`
	Language        string            `json:"language"`
	SourceCode      string            `json:"source_code"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
	LatestExecution *executionSummary `json:"latest_execution,omitempty" doc:"The session's newest execution (GET only); absent when it has none"`
}

// sessionSaved is the short answer to an autosave or a close.
type sessionSaved struct {
	SessionID string         `json:"session_id"`
	Status    session.Status `json:"status" enum:"ACTIVE,CLOSED"`
	Language  string         `json:"language"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// executionSummary is an execution without its output, for lists.
type executionSummary struct {
	ExecutionID     string           `json:"execution_id"`
	Language        string           `json:"language"`
	Status          execution.Status `json:"status" enum:"QUEUED,RUNNING,COMPLETED,FAILED,TIMEOUT,CANCELLED"`
	Reason          *string          `json:"reason"`
	ExitCode        *int             `json:"exit_code"`
	ExecutionTimeMS *int64           `json:"execution_time_ms"`
	QueuedAt        time.Time        `json:"queued_at"`
	StartedAt       *time.Time       `json:"started_at" nullable:"true"`
	FinishedAt      *time.Time       `json:"finished_at" nullable:"true"`
}

// executionView is a whole execution; what is not known yet is null.
type executionView struct {
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
	Encoding        string           `json:"encoding" enum:"utf8,base64" doc:"How stdout, stderr, output, compile_output and the tests' bytes are written: base64 when the run asked for it"`
	Judge           *judgeView       `json:"judge,omitempty" doc:"A judged run's summary; absent when the run has no tests"`
	Tests           []testView       `json:"tests,omitempty" doc:"A judged run's tests that ran, in order, once it ended"`
}

// languageView is a language clients may choose.
type languageView struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	Version     string           `json:"version"`
	SourceFile  string           `json:"source_file"`
	Compiled    bool             `json:"compiled"`
	Available   bool             `json:"available" doc:"Whether the toolchain is installed on this server"`
	Limits      execution.Limits `json:"limits" doc:"Default run limits"`
	StarterCode string           `json:"starter_code" doc:"A first program for a new session, as the playground offers it"`
}

func viewSession(s session.Session) sessionView {
	return sessionView{SessionID: s.ID, Status: s.Status, Language: s.Language, SourceCode: s.SourceCode,
		CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
}

func viewSaved(s session.Session) sessionSaved {
	return sessionSaved{SessionID: s.ID, Status: s.Status, Language: s.Language, UpdatedAt: s.UpdatedAt.UTC()}
}

func summarize(e execution.Execution) executionSummary {
	return executionSummary{ExecutionID: e.ID, Language: e.Language, Status: e.Status,
		Reason: reasonOf(e), ExitCode: e.Result.ExitCode, ExecutionTimeMS: e.Result.ExecutionTimeMS,
		QueuedAt: e.QueuedAt.UTC(), StartedAt: utc(e.StartedAt), FinishedAt: utc(e.FinishedAt)}
}

func viewExecution(e execution.Execution) executionView {
	v := executionView{ExecutionID: e.ID, SessionID: e.SessionID, Language: e.Language, Status: e.Status,
		ExitCode: e.Result.ExitCode, Reason: reasonOf(e), ExecutionTimeMS: e.Result.ExecutionTimeMS,
		CPUTimeMS: e.Result.CPUTimeMS, MemoryKB: e.Result.MemoryKB, CompileTimeMS: e.Result.CompileTimeMS, Attempts: e.Attempts, Limits: e.Limits,
		QueuedAt: e.QueuedAt.UTC(), StartedAt: utc(e.StartedAt), FinishedAt: utc(e.FinishedAt)}
	v.Encoding = string(execution.EncodingUTF8)
	if e.Encoding != "" {
		v.Encoding = string(e.Encoding)
	}
	if e.Status.Terminal() {
		r := e.Result
		v.Stdout, v.Stderr, v.Output = encoded(e.Encoding, r.Stdout), encoded(e.Encoding, r.Stderr), encoded(e.Encoding, r.Output)
		v.Signal = nonEmpty(r.Signal)
		if r.CompileOutput != "" {
			v.CompileOutput = encoded(e.Encoding, r.CompileOutput)
		}
	}
	v.Judge, v.Tests = viewJudge(e)
	return v
}

func viewLanguage(l language.Language) languageView {
	return languageView{ID: l.ID, Name: l.Name, Version: l.Version, SourceFile: l.SourceFile,
		Compiled: l.Compiles(), Available: l.Available, Limits: l.Limits, StarterCode: l.Starter}
}

func reasonOf(e execution.Execution) *string {
	if !e.Status.Terminal() {
		return nil
	}
	return nonEmpty(string(e.Result.Reason))
}

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
