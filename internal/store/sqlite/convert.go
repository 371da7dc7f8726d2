// Conversions between sqlitedb rows and the domain types.

package sqlite

import (
	"fmt"
	"time"

	"livecode/internal/execution"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/store/sqlite/sqlitedb"
)

// ms stores a time as unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

func msp(t time.Time) *int64 { v := t.UnixMilli(); return &v }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func fromMSP(v *int64) *time.Time {
	if v == nil {
		return nil
	}
	t := fromMS(*v)
	return &t
}

func toSession(r sqlitedb.Session) session.Session {
	return session.Session{ID: r.ID, Status: session.Status(r.Status), Language: r.Language,
		SourceCode: r.SourceCode, Owner: r.Owner, CreatedAt: fromMS(r.CreatedAt), UpdatedAt: fromMS(r.UpdatedAt)}
}

func toExecution(r sqlitedb.Execution) (execution.Execution, error) {
	e := execution.Execution{
		ID: r.ID, SessionID: r.SessionID, Language: r.Language, Code: r.Code, Stdin: r.Stdin, Interactive: r.Interactive != 0,
		ExpectedOutput: r.ExpectedOutput,
		Limits: execution.Limits{TimeLimitMS: int(r.TimeLimitMs), MemoryLimitMB: int(r.MemoryLimitMb),
			MaxProcesses: int(r.MaxProcesses), OutputLimitBytes: int(r.OutputLimitBytes)},
		Status: execution.Status(r.Status), Attempts: int(r.Attempts), WorkerID: r.WorkerID,
		LeaseExpiresAt: fromMSP(r.LeaseExpiresAt), QueuedAt: fromMS(r.QueuedAt),
		StartedAt: fromMSP(r.StartedAt), FinishedAt: fromMSP(r.FinishedAt),
	}
	var err error
	if err = store.DecodeFiles(r.Files, &e.Files); err != nil {
		return e, fmt.Errorf("sqlite: execution %s files: %w", r.ID, err)
	}
	if err := store.DecodeList(r.Args, &e.Args); err != nil {
		return e, fmt.Errorf("sqlite: execution %s args: %w", r.ID, err)
	}
	if e.Judge, err = store.DecodeJudge(r.Judge); err != nil {
		return e, fmt.Errorf("sqlite: execution %s judge: %w", r.ID, err)
	}
	e.Encoding = execution.Encoding(r.Encoding)
	if e.Status.Terminal() {
		e.Result = execution.Result{Status: e.Status, Reason: execution.Reason(r.Reason),
			Stdout: r.Stdout, Stderr: r.Stderr, Output: r.Output, Signal: r.Signal,
			ExecutionTimeMS: r.ExecutionTimeMs, CPUTimeMS: r.CpuTimeMs, MemoryKB: r.MemoryKb,
			CompileOutput: r.CompileOutput, CompileTimeMS: r.CompileTimeMs}
		if err := store.DecodeList(r.TestResults, &e.Result.Tests); err != nil {
			return e, fmt.Errorf("sqlite: execution %s test results: %w", r.ID, err)
		}
		if r.ExitCode != nil {
			c := int(*r.ExitCode)
			e.Result.ExitCode = &c
		}
	}
	return e, nil
}

func toExecutions(rows []sqlitedb.Execution) ([]execution.Execution, error) {
	out := make([]execution.Execution, 0, len(rows))
	for _, r := range rows {
		e, err := toExecution(r)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func exitCode(c *int) *int64 {
	if c == nil {
		return nil
	}
	v := int64(*c)
	return &v
}
