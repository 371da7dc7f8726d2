// Judge0's vocabulary: its language ids, its statuses, and an execution's status in its terms.

package api

import (
	"fmt"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"livecode/internal/execution"
	"livecode/internal/language"
)

// judge0Language is a Judge0 CE language id and the name it shows ("%s" is the version).
type judge0Language struct {
	ID   int
	Lang string // livecode's language id
	Name string
}

// judge0Languages are Judge0 CE's ids for the languages livecode has.
var judge0Languages = []judge0Language{
	{46, "bash", "Bash (%s)"},
	{50, "c", "C (GCC %s)"},
	{54, "cpp", "C++ (GCC %s)"},
	{60, "go", "Go (%s)"},
	{62, "java", "Java (OpenJDK %s)"},
	{63, "javascript", "JavaScript (Node.js %s)"},
	{64, "lua", "Lua (%s)"},
	{68, "php", "PHP (%s)"},
	{71, "python", "Python (%s)"},
	{72, "ruby", "Ruby (%s)"},
	{73, "rust", "Rust (%s)"},
	{74, "typescript", "TypeScript (%s)"},
	{85, "perl", "Perl (%s)"},
}

// judge0LanguageOf finds a Judge0 language by id or by livecode's language id.
func judge0LanguageOf(id int, lang string) (judge0Language, bool) {
	for _, l := range judge0Languages {
		if l.ID == id || (lang != "" && l.Lang == lang) {
			return l, true
		}
	}
	return judge0Language{}, false
}

// name is the language's Judge0 name with this server's version; a language Judge0 has no id
// for (added with LANGUAGES_DIR) shows its own name, with id 0.
func (j judge0Language) name(l language.Language) string {
	if j.Name == "" {
		return l.Name
	}
	return fmt.Sprintf(j.Name, semver(l.Version))
}

// Judge0's status ids.
const (
	j0InQueue     = 1
	j0Processing  = 2
	j0Accepted    = 3
	j0WrongAnswer = 4
	j0TimeLimit   = 5
	j0CompileErr  = 6
	j0SIGSEGV     = 7
	j0SIGXFSZ     = 8
	j0SIGFPE      = 9
	j0SIGABRT     = 10
	j0NZEC        = 11
	j0Other       = 12
	j0Internal    = 13
	j0ExecFormat  = 14
)

// judge0Statuses are Judge0's statuses, by id.
var judge0Statuses = map[int]string{
	j0InQueue: "In Queue", j0Processing: "Processing", j0Accepted: "Accepted", j0WrongAnswer: "Wrong Answer",
	j0TimeLimit: "Time Limit Exceeded", j0CompileErr: "Compilation Error", j0SIGSEGV: "Runtime Error (SIGSEGV)",
	j0SIGXFSZ: "Runtime Error (SIGXFSZ)", j0SIGFPE: "Runtime Error (SIGFPE)", j0SIGABRT: "Runtime Error (SIGABRT)",
	j0NZEC: "Runtime Error (NZEC)", j0Other: "Runtime Error (Other)", j0Internal: "Internal Error",
	j0ExecFormat: "Exec Format Error",
}

type judge0StatusView struct {
	ID          int    `json:"id"`
	Description string `json:"description"`
}

func judge0StatusList() []judge0StatusView {
	out := make([]judge0StatusView, 0, len(judge0Statuses))
	for id, d := range judge0Statuses {
		out = append(out, judge0StatusView{id, d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// judge0StatusOf is an execution's Judge0 status: its state, its reason, and for a program that
// ran to a zero exit, its stdout against the expected output (both trimmed, as Judge0 compares).
func judge0StatusOf(e execution.Execution) int {
	r := e.Result
	switch {
	case e.Status == execution.StatusQueued:
		return j0InQueue
	case e.Status == execution.StatusRunning:
		return j0Processing
	case e.Status == execution.StatusCompleted:
		if e.ExpectedOutput != nil && judge0Trim(*e.ExpectedOutput) != judge0Trim(r.Stdout) {
			return j0WrongAnswer
		}
		return j0Accepted
	}
	switch r.Reason {
	case execution.ReasonWrongAnswer: // a judged run's first failing test (the native tests)
		return j0WrongAnswer
	case execution.ReasonTimeLimit, execution.ReasonCPULimit, execution.ReasonJudgeTimeLimit:
		return j0TimeLimit
	case execution.ReasonCompileError:
		return j0CompileErr
	case execution.ReasonExitNonzero:
		return j0NZEC
	case execution.ReasonFileSizeLimit:
		return j0SIGXFSZ
	case execution.ReasonSignal:
		switch r.Signal {
		case "SIGSEGV":
			return j0SIGSEGV
		case "SIGXFSZ":
			return j0SIGXFSZ
		case "SIGFPE":
			return j0SIGFPE
		case "SIGABRT":
			return j0SIGABRT
		}
		return j0Other
	case execution.ReasonMemoryLimit, execution.ReasonOutputLimit, execution.ReasonProcessLimit:
		return j0Other
	}
	return j0Internal // internal, queue_unavailable, cancelled: Judge0 has no word for them
}

// judge0Messages are isolate's words for the ends that need no number.
var judge0Messages = map[execution.Reason]string{
	execution.ReasonTimeLimit: "Time limit exceeded", execution.ReasonCPULimit: "Time limit exceeded",
	execution.ReasonJudgeTimeLimit: "Time limit exceeded",
	execution.ReasonMemoryLimit:    "Memory limit exceeded", execution.ReasonOutputLimit: "Output limit exceeded",
	execution.ReasonProcessLimit: "Process limit exceeded", execution.ReasonFileSizeLimit: "File size limit exceeded",
	execution.ReasonCancelled: "Cancelled", execution.ReasonQueueUnavailable: "The run queue was unavailable",
	execution.ReasonInternal: "Internal error",
}

// judge0Message is Judge0's message: why the program ended, in isolate's words.
func judge0Message(e execution.Execution) *string {
	if !e.Status.Terminal() {
		return nil
	}
	r := e.Result
	switch {
	case r.Reason == execution.ReasonExitNonzero && r.ExitCode != nil:
		return nonEmpty(fmt.Sprintf("Exited with error status %d", *r.ExitCode))
	case r.Reason == execution.ReasonSignal:
		return nonEmpty(fmt.Sprintf("Caught fatal signal %d", judge0Signal(r.Signal)))
	}
	return nonEmpty(judge0Messages[r.Reason])
}

// judge0Signal is a signal's number (Judge0's exit_signal); 0 for none.
func judge0Signal(name string) int {
	if name == "" {
		return 0
	}
	return int(unix.SignalNum(name))
}

func judge0Trim(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
