// Package execution defines an execution of a program: its state machine, limits and result.

package execution

import "time"

// Status is where an execution stands in its lifecycle.
//
// QUEUED → RUNNING → COMPLETED | FAILED | TIMEOUT | CANCELLED. A status never goes back,
// and a terminal status never changes again.
type Status string

// The statuses of an execution.
const (
	StatusQueued    Status = "QUEUED"
	StatusRunning   Status = "RUNNING"
	StatusCompleted Status = "COMPLETED"
	StatusFailed    Status = "FAILED"
	StatusTimeout   Status = "TIMEOUT"
	StatusCancelled Status = "CANCELLED"
)

// Terminal reports whether s is a final status.
func (s Status) Terminal() bool {
	switch s {
	case StatusCompleted, StatusFailed, StatusTimeout, StatusCancelled:
		return true
	}
	return false
}

// Active reports whether s counts against a session's active-execution limit.
func (s Status) Active() bool { return s == StatusQueued || s == StatusRunning }

// Reason says, machine-readably, why an execution ended as it did.
type Reason string

// The reasons an execution ends. Empty means COMPLETED normally.
const (
	ReasonNone             Reason = ""
	ReasonExitNonzero      Reason = "exit_nonzero"
	ReasonSignal           Reason = "signal"
	ReasonTimeLimit        Reason = "time_limit"   // wall-clock limit (TIMEOUT)
	ReasonCPULimit         Reason = "cpu_limit"    // CPU-time limit (TIMEOUT)
	ReasonMemoryLimit      Reason = "memory_limit" // cgroup OOM kill
	ReasonOutputLimit      Reason = "output_limit" // stdout+stderr over the cap
	ReasonProcessLimit     Reason = "process_limit"
	ReasonFileSizeLimit    Reason = "file_size_limit"
	ReasonCompileError     Reason = "compile_error"
	ReasonCancelled        Reason = "cancelled"
	ReasonQueueUnavailable Reason = "queue_unavailable" // the job could not be queued; the run was refused
	ReasonInternal         Reason = "internal"          // infrastructure failure past the attempts limit
)

// Limits bound one run of a program.
type Limits struct {
	TimeLimitMS      int `json:"time_limit_ms"`
	MemoryLimitMB    int `json:"memory_limit_mb"`
	MaxProcesses     int `json:"max_processes"`
	OutputLimitBytes int `json:"output_limit_bytes"`
}

// Within is l with each field that is unset (zero) taken from def, then each capped at max: a
// language's own limits over the service's defaults, never past the operator's maximums.
func (l Limits) Within(def, max Limits) Limits {
	pick := func(own, def, max int) int {
		if own > 0 {
			def = own
		}
		return min(def, max)
	}
	return Limits{
		TimeLimitMS:      pick(l.TimeLimitMS, def.TimeLimitMS, max.TimeLimitMS),
		MemoryLimitMB:    pick(l.MemoryLimitMB, def.MemoryLimitMB, max.MemoryLimitMB),
		MaxProcesses:     pick(l.MaxProcesses, def.MaxProcesses, max.MaxProcesses),
		OutputLimitBytes: pick(l.OutputLimitBytes, def.OutputLimitBytes, max.OutputLimitBytes),
	}
}

// File is one source file of a multi-file program.
type File struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

// Execution is one run of a session's code, with a snapshot of what it ran.
type Execution struct {
	ID             string
	SessionID      string
	Language       string
	Code           string // snapshot of the entry file's source
	Files          []File // extra files beyond Code, may be empty
	Stdin          string
	Args           []string
	Limits         Limits
	Interactive    bool     // stdin stays open after Stdin for input sent while the program runs
	ExpectedOutput *string  // what stdout is judged against (Judge0's expected_output); nil: not judged
	Judge          *Judge   // the test cases the program is judged against; nil: not judged
	Encoding       Encoding // how answers write its output (base64 for bytes); empty: UTF-8 text
	Status         Status
	Attempts       int
	WorkerID       string
	LeaseExpiresAt *time.Time

	QueuedAt   time.Time
	StartedAt  *time.Time
	FinishedAt *time.Time

	Result Result // meaningful once Status is terminal
}

// Result is what the sandbox observed of a finished run. Nil pointers mean "not known".
type Result struct {
	Status          Status
	Reason          Reason
	Stdout          string
	Stderr          string
	Output          string // stdout and stderr interleaved in write order
	ExitCode        *int
	Signal          string // e.g. "SIGKILL", empty if none
	ExecutionTimeMS *int64
	CPUTimeMS       *int64
	MemoryKB        *int64
	CompileOutput   string
	CompileTimeMS   *int64
	Tests           []TestResult // a judged run's tests that ran, in order
}

// Job is the message the queue carries: which execution to run, and the W3C traceparent and
// X-Request-Id of the request that queued it, so that the worker's spans join the request's
// trace and its log lines carry the request's id.
type Job struct {
	ExecutionID string
	TraceParent string // "" when tracing is off
	RequestID   string // "" when queued by no request (the reaper, a requeue)
}
