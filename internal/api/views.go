// Views: the JSON shapes of sessions, executions and languages as clients see them.

package api

import (
	"time"

	"livecode/internal/event"
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

// executionView is a whole execution; its home is the event package, since the final "result"
// event carries the same document.
type executionView = event.ExecutionView

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
	Libraries   []libraryView    `json:"libraries" doc:"Libraries beyond the standard library that programs may import, installed on this server"`
}

// libraryView is one library of a language, as GET /languages lists it.
type libraryView struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

func viewSession(s session.Session) sessionView {
	return sessionView{SessionID: s.ID, Status: s.Status, Language: s.Language, SourceCode: s.SourceCode,
		CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
}

func viewSaved(s session.Session) sessionSaved {
	return sessionSaved{SessionID: s.ID, Status: s.Status, Language: s.Language, UpdatedAt: s.UpdatedAt.UTC()}
}

func summarize(e execution.Execution) executionSummary {
	v := event.View(e)
	return executionSummary{ExecutionID: v.ExecutionID, Language: v.Language, Status: v.Status,
		Reason: v.Reason, ExitCode: v.ExitCode, ExecutionTimeMS: v.ExecutionTimeMS,
		QueuedAt: v.QueuedAt, StartedAt: v.StartedAt, FinishedAt: v.FinishedAt}
}

func viewExecution(e execution.Execution) executionView { return event.View(e) }

func viewLanguage(l language.Language) languageView {
	v := languageView{ID: l.ID, Name: l.Name, Version: l.Version, SourceFile: l.SourceFile,
		Compiled: l.Compiles(), Available: l.Available, Limits: l.Limits, StarterCode: l.Starter, Libraries: []libraryView{}}
	for _, lib := range l.Libraries {
		if lib.Available {
			v.Libraries = append(v.Libraries, libraryView{Name: lib.Name, Version: lib.Version})
		}
	}
	return v
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
