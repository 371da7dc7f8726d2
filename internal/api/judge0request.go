// Judge0's submission request: its attributes checked and mapped onto a one-call run.

package api

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"livecode/internal/language"
)

// judge0Request is a submission as Judge0 clients send it. Attributes livecode has no use for
// (stack_limit, cpu_extra_time, number_of_runs, max_file_size, the per-process flags) are
// accepted and ignored; those it cannot honour are refused.
type judge0Request struct {
	SourceCode             *string         `json:"source_code"`
	LanguageID             json.RawMessage `json:"language_id"`
	Stdin                  *string         `json:"stdin"`
	ExpectedOutput         *string         `json:"expected_output"`
	CommandLineArguments   *string         `json:"command_line_arguments"`
	CompilerOptions        *string         `json:"compiler_options"`
	CPUTimeLimit           *float64        `json:"cpu_time_limit"`
	WallTimeLimit          *float64        `json:"wall_time_limit"`
	MemoryLimit            *float64        `json:"memory_limit"`
	MaxProcesses           *float64        `json:"max_processes_and_or_threads"`
	RedirectStderrToStdout *bool           `json:"redirect_stderr_to_stdout"`
	EnableNetwork          *bool           `json:"enable_network"`
	CallbackURL            *string         `json:"callback_url"`
	AdditionalFiles        *string         `json:"additional_files"`
}

// judge0Errors are Judge0's validation errors: messages by attribute, answered with 422.
type judge0Errors map[string][]string

// judge0Run checks a submission and maps it onto a one-call run.
func (s *server) judge0Run(in judge0Request, b64 bool) (judge0Language, runRequest, judge0Errors) {
	errs := judge0Errors{}
	add := func(field, format string, args ...any) {
		errs[field] = append(errs[field], fmt.Sprintf(format, args...))
	}
	decode := func(field string, v *string) *string {
		if v == nil || !b64 {
			return v
		}
		b, err := base64.StdEncoding.DecodeString(*v)
		if err != nil {
			add(field, "is not valid Base64")
			return nil
		}
		d := string(b)
		return &d
	}
	code, stdin, expected := decode("source_code", in.SourceCode), decode("stdin", in.Stdin), decode("expected_output", in.ExpectedOutput)
	if in.SourceCode == nil {
		add("source_code", "can't be blank")
	}
	lang, l, ok := s.judge0Language(in.LanguageID)
	switch {
	case len(in.LanguageID) == 0 || string(in.LanguageID) == "null":
		add("language_id", "can't be blank")
	case !ok:
		add("language_id", "language with id %s doesn't exist", strings.Trim(string(in.LanguageID), `"`))
	}
	for field, v := range map[string]*string{"compiler_options": in.CompilerOptions, "callback_url": in.CallbackURL, "additional_files": in.AdditionalFiles} {
		if v != nil && *v != "" {
			add(field, "is not supported by this server")
		}
	}
	for field, v := range map[string]*bool{"redirect_stderr_to_stdout": in.RedirectStderrToStdout, "enable_network": in.EnableNetwork} {
		if v != nil && *v {
			add(field, "is not supported by this server")
		}
	}
	req := runRequest{Endpoint: "judge0", OneCall: true, Language: l.ID, Stdin: stdin, ExpectedOutput: expected,
		languageField: "body.language"}
	if code != nil {
		req.Code = *code
	}
	if in.CommandLineArguments != nil {
		req.Args = strings.Fields(*in.CommandLineArguments)
	}
	// A run has one time limit; it takes the smaller of the CPU and wall-clock limits asked.
	max := s.cfg.Maximums()
	for _, f := range []struct {
		name  string
		v     *float64
		scale float64 // Judge0's unit in livecode's
		max   int     // in livecode's unit
		dst   **int
	}{
		{"cpu_time_limit", in.CPUTimeLimit, 1000, max.TimeLimitMS, &req.Limits.TimeLimitMS},
		{"wall_time_limit", in.WallTimeLimit, 1000, max.TimeLimitMS, &req.Limits.TimeLimitMS},
		{"memory_limit", in.MemoryLimit, 1.0 / 1024, max.MemoryLimitMB, &req.Limits.MemoryLimitMB},
		{"max_processes_and_or_threads", in.MaxProcesses, 1, max.MaxProcesses, &req.Limits.MaxProcesses},
	} {
		if f.v == nil {
			continue
		}
		if *f.v <= 0 || math.IsInf(*f.v, 0) || math.IsNaN(*f.v) {
			add(f.name, "must be greater than 0")
			continue
		}
		if *f.v*f.scale > float64(f.max) {
			add(f.name, "must be less than or equal to %g", float64(f.max)/f.scale)
			continue
		}
		n := int(math.Ceil(*f.v * f.scale))
		if *f.dst == nil || n < **f.dst {
			*f.dst = &n
		}
	}
	return lang, req, errs
}

// judge0Language resolves a language_id, a number or a numeric string.
func (s *server) judge0Language(raw json.RawMessage) (judge0Language, language.Language, bool) {
	id, err := strconv.Atoi(strings.Trim(string(raw), `"`))
	if err != nil {
		return judge0Language{}, language.Language{}, false
	}
	j, ok := judge0LanguageOf(id, "")
	if !ok || j.ID != id {
		return j, language.Language{}, false
	}
	l, ok := s.deps.Languages.Lookup(j.Lang)
	return j, l, ok && l.Available
}

// judge0FieldOf names, in Judge0's terms, the request field livecode's error names.
func judge0FieldOf(field string, in judge0Request) string {
	switch {
	case field == "code":
		return "source_code"
	case field == "language":
		return "language_id"
	case field == "stdin", field == "memory_limit":
		return field
	case strings.HasPrefix(field, "args"):
		return "command_line_arguments"
	case field == "memory_limit_mb":
		return "memory_limit"
	case field == "max_processes":
		return "max_processes_and_or_threads"
	case field == "time_limit_ms" && in.WallTimeLimit != nil:
		return "wall_time_limit"
	case field == "time_limit_ms":
		return "cpu_time_limit"
	}
	return ""
}
