// Judge0's submission document: an execution in Judge0's field names, narrowed by `fields`.

package api

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"livecode/internal/execution"
)

// judge0DefaultFields are what Judge0 answers without a `fields` parameter.
var judge0DefaultFields = []string{"stdout", "time", "memory", "stderr", "token", "compile_output", "message", "status"}

// judge0TextFields are the text attributes base64_encoded applies to.
var judge0TextFields = []string{"source_code", "stdin", "expected_output", "stdout", "stderr", "compile_output", "message"}

// errNotUTF8 is Judge0's answer for output that plain JSON cannot carry.
const errNotUTF8 = "some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true query parameter"

// judge0Fields parses a `fields` parameter: empty gives the default, "*" every field.
func judge0Fields(param string) ([]string, error) {
	if param == "" {
		return judge0DefaultFields, nil
	}
	all := judge0AllFields()
	if param == "*" {
		return all, nil
	}
	var out, bad []string
	for _, f := range strings.Split(param, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(all, f) {
			bad = append(bad, f)
		}
		out = append(out, f)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("invalid fields: [%s]", strings.Join(bad, ", "))
	}
	return out, nil
}

func judge0AllFields() []string {
	return []string{"source_code", "language_id", "stdin", "expected_output", "stdout", "status_id", "created_at",
		"finished_at", "time", "memory", "stderr", "token", "cpu_time_limit", "wall_time_limit", "memory_limit",
		"max_processes_and_or_threads", "compile_output", "exit_code", "exit_signal", "message", "wall_time",
		"command_line_arguments", "status", "language"}
}

// judge0Doc renders e with the given fields; a text field that is not UTF-8 without base64 is
// an error (errNotUTF8), as in Judge0.
func judge0Doc(e execution.Execution, lang judge0Language, langName string, fields []string, b64 bool) (map[string]any, error) {
	r := e.Result
	ended := e.Status.Terminal()
	text := func(s string, keepEmpty bool) *string {
		if !ended && !keepEmpty {
			return nil
		}
		if s == "" && !keepEmpty {
			return nil // Judge0 has null for an empty output
		}
		return &s
	}
	status := judge0StatusOf(e)
	all := map[string]any{
		"token": e.ID, "source_code": text(e.Code, true), "language_id": lang.ID, "stdin": text(e.Stdin, true),
		"expected_output": e.ExpectedOutput, "stdout": text(r.Stdout, false), "stderr": text(r.Stderr, false),
		"compile_output": text(r.CompileOutput, false), "message": judge0Message(e),
		"status_id": status, "status": judge0StatusView{status, judge0Statuses[status]},
		"language":   map[string]any{"id": lang.ID, "name": langName},
		"created_at": e.QueuedAt.UTC().Format(time.RFC3339Nano), "finished_at": nil,
		"time": judge0Seconds(r.CPUTimeMS), "wall_time": judge0Seconds(r.ExecutionTimeMS), "memory": r.MemoryKB,
		"exit_code": r.ExitCode, "exit_signal": nil,
		"cpu_time_limit": float64(e.Limits.TimeLimitMS) / 1000, "wall_time_limit": float64(e.Limits.TimeLimitMS) / 1000,
		"memory_limit": e.Limits.MemoryLimitMB * 1024, "max_processes_and_or_threads": e.Limits.MaxProcesses,
		"command_line_arguments": nonEmpty(strings.Join(e.Args, " ")),
	}
	if e.FinishedAt != nil {
		all["finished_at"] = e.FinishedAt.UTC().Format(time.RFC3339Nano)
	}
	if n := judge0Signal(r.Signal); n != 0 {
		all["exit_signal"] = n
	}
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		v := all[f]
		if s, ok := v.(*string); ok && s != nil && slices.Contains(judge0TextFields, f) {
			switch {
			case b64:
				enc := base64.StdEncoding.EncodeToString([]byte(*s))
				v = &enc
			case !utf8.ValidString(*s):
				return nil, fmt.Errorf("%s", errNotUTF8)
			}
		}
		out[f] = v
	}
	return out, nil
}

// judge0Seconds is a duration in Judge0's form: seconds as a decimal string; nil stays null.
func judge0Seconds(ms *int64) *string {
	if ms == nil {
		return nil
	}
	s := fmt.Sprintf("%.3f", float64(*ms)/1000)
	return &s
}
