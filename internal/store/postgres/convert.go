// Conversions between pgdb rows and the domain types.

package postgres

import (
	"fmt"
	"time"

	"livecode/internal/execution"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/store/postgres/pgdb"
)

// ts is a time as stored: millisecond precision, UTC.
func ts(t time.Time) time.Time { return store.Millis(t) }

func tsp(t time.Time) *time.Time { v := store.Millis(t); return &v }

func utcp(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}

func toSession(r pgdb.Session) session.Session {
	return session.Session{ID: r.ID, Status: session.Status(r.Status), Language: r.Language,
		SourceCode: string(r.SourceCode), Owner: r.Owner, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func toExecution(r pgdb.Execution) (execution.Execution, error) {
	e := execution.Execution{
		ID: r.ID, SessionID: r.SessionID, Language: r.Language, Code: string(r.Code), Stdin: string(r.Stdin), Interactive: r.Interactive,
		ExpectedOutput: nullString(r.ExpectedOutput),
		Limits: execution.Limits{TimeLimitMS: int(r.TimeLimitMs), MemoryLimitMB: int(r.MemoryLimitMb),
			MaxProcesses: int(r.MaxProcesses), OutputLimitBytes: int(r.OutputLimitBytes)},
		Status: execution.Status(r.Status), Attempts: int(r.Attempts), WorkerID: r.WorkerID,
		LeaseExpiresAt: utcp(r.LeaseExpiresAt), QueuedAt: r.QueuedAt.UTC(),
		StartedAt: utcp(r.StartedAt), FinishedAt: utcp(r.FinishedAt),
	}
	var err error
	if err = store.DecodeFiles(r.Files, &e.Files); err != nil {
		return e, fmt.Errorf("postgres: execution %s files: %w", r.ID, err)
	}
	if err := store.DecodeList(r.Args, &e.Args); err != nil {
		return e, fmt.Errorf("postgres: execution %s args: %w", r.ID, err)
	}
	if e.Judge, err = store.DecodeJudge(r.Judge); err != nil {
		return e, fmt.Errorf("postgres: execution %s judge: %w", r.ID, err)
	}
	e.Encoding = execution.Encoding(r.Encoding)
	if e.Status.Terminal() {
		e.Result = execution.Result{Status: e.Status, Reason: execution.Reason(r.Reason),
			Stdout: string(r.Stdout), Stderr: string(r.Stderr), Output: string(r.Output), Signal: r.Signal,
			ExecutionTimeMS: r.ExecutionTimeMs, CPUTimeMS: r.CpuTimeMs, MemoryKB: r.MemoryKb,
			CompileOutput: string(r.CompileOutput), CompileTimeMS: r.CompileTimeMs}
		if err := store.DecodeList(r.TestResults, &e.Result.Tests); err != nil {
			return e, fmt.Errorf("postgres: execution %s test results: %w", r.ID, err)
		}
		if r.ExitCode != nil {
			c := int(*r.ExitCode)
			e.Result.ExitCode = &c
		}
	}
	return e, nil
}

func toExecutions(rows []pgdb.Execution) ([]execution.Execution, error) {
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

func exitCode(c *int) *int32 {
	if c == nil {
		return nil
	}
	v := int32(*c)
	return &v
}

// bytesp converts an optional patch field; nil stays nil (leave the column as it is).
func bytesp(s *string) []byte {
	if s == nil {
		return nil
	}
	return []byte(*s)
}

// nullBytes is a nullable text as bytea: nil is NULL.
func nullBytes(s *string) []byte {
	if s == nil {
		return nil
	}
	return append([]byte{}, *s...)
}

// nullString is a nullable bytea as text: NULL is nil.
func nullString(b []byte) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}
