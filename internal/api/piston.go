// Piston-compatible API (Piston API v2) under /piston: runtimes and execute, as one-call runs.

package api

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"livecode/internal/execution"
	"livecode/internal/language"
)

const pistonPrefix = "/piston/api/v2"

// pistonAliases are the names Piston's runtimes answer to besides livecode's language ids.
var pistonAliases = map[string][]string{
	"python":     {"py", "py3", "python3"},
	"javascript": {"node-javascript", "node-js", "js"},
	"typescript": {"ts", "node-ts", "tsc"},
	"bash":       {"sh"},
	"c":          {"gcc"},
	"cpp":        {"c++", "g++"},
	"go":         {"golang"},
	"rust":       {"rs"},
	"ruby":       {"rb", "ruby3"},
	"perl":       {"pl"},
	"php":        {},
	"lua":        {},
	"java":       {},
}

type pistonRuntime struct {
	Language string   `json:"language"`
	Version  string   `json:"version"`
	Aliases  []string `json:"aliases"`
}

type pistonFile struct {
	Name     string `json:"name"`
	Content  string `json:"content"`
	Encoding string `json:"encoding"`
}

type pistonRequest struct {
	Language           string       `json:"language"`
	Version            string       `json:"version"`
	Files              []pistonFile `json:"files"`
	Stdin              *string      `json:"stdin"`
	Args               []string     `json:"args"`
	CompileTimeout     *int64       `json:"compile_timeout"`
	RunTimeout         *int64       `json:"run_timeout"`
	CompileMemoryLimit *int64       `json:"compile_memory_limit"`
	RunMemoryLimit     *int64       `json:"run_memory_limit"`
}

type pistonStage struct {
	Stdout string  `json:"stdout"`
	Stderr string  `json:"stderr"`
	Output string  `json:"output"`
	Code   *int    `json:"code"`
	Signal *string `json:"signal"`
}

type pistonResult struct {
	Language string       `json:"language"`
	Version  string       `json:"version"`
	Run      *pistonStage `json:"run,omitempty"`
	Compile  *pistonStage `json:"compile,omitempty"`
}

func (s *server) pistonRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+pistonPrefix+"/runtimes", s.pistonRuntimes)
	mux.HandleFunc("POST "+pistonPrefix+"/execute", s.pistonExecute)
}

// pistonRuntimes lists the available languages as Piston's runtimes.
func (s *server) pistonRuntimes(w http.ResponseWriter, _ *http.Request) {
	out := []pistonRuntime{}
	for _, l := range s.deps.Languages.List() {
		if l.Available {
			out = append(out, pistonRuntime{Language: l.ID, Version: semver(l.Version), Aliases: append([]string{}, pistonAliases[l.ID]...)})
		}
	}
	writeJSON(w, http.StatusOK, out, nil)
}

// pistonExecute runs the request's files and answers when the run has ended, as Piston does.
func (s *server) pistonExecute(w http.ResponseWriter, r *http.Request) {
	var in pistonRequest
	if cerr := s.decodeBody(w, r, &in); cerr != nil {
		pistonFail(w, *cerr)
		return
	}
	lang, req, cerr := s.pistonRun(in)
	if cerr != nil {
		pistonFail(w, *cerr)
		return
	}
	e, err := s.admitAndWait(r.Context(), req, s.cfg.maxWait())
	switch {
	case err != nil:
		ce := s.compatErrorOf(r.Context(), "piston-execute", err)
		ce.field = pistonFieldOf(ce.field)
		pistonFail(w, ce)
	case !e.Status.Terminal():
		pistonFail(w, compatError{status: http.StatusGatewayTimeout, message: fmt.Sprintf(
			"execution %s did not end within %v (MAX_WAIT_MS); GET /executions/%s has it", e.ID, s.cfg.maxWait(), e.ID)})
	case e.Result.Reason == execution.ReasonInternal:
		pistonFail(w, compatError{status: http.StatusInternalServerError, message: "internal error"})
	default:
		// Location is livecode's own: the stored execution, for a client that wants more.
		writeJSON(w, http.StatusOK, pistonAnswer(lang, e), http.Header{"Location": {"/executions/" + e.ID}})
	}
}

// pistonRun checks a Piston request and maps it onto a one-call run.
func (s *server) pistonRun(in pistonRequest) (language.Language, runRequest, *compatError) {
	lang, ok := s.pistonLanguage(in.Language, in.Version)
	if !ok {
		e := badRequest("%s-%s runtime is unknown", in.Language, in.Version)
		return lang, runRequest{}, &e
	}
	if len(in.Files) == 0 {
		e := badRequest("files is required as a non-empty array")
		return lang, runRequest{}, &e
	}
	files := make([]FileInput, len(in.Files))
	for i, f := range in.Files {
		content, err := pistonDecode(f.Content, f.Encoding)
		if err != nil {
			e := badRequest("files[%d].content: %v", i, err)
			return lang, runRequest{}, &e
		}
		files[i] = FileInput{Name: f.Name, Content: content}
		if files[i].Name == "" {
			files[i].Name = fmt.Sprintf("file%d.code", i) // Piston picks a name; the first is the entry point anyway
		}
	}
	req := runRequest{Endpoint: "piston", OneCall: true, Language: lang.ID, Files: files, Stdin: in.Stdin, Args: in.Args,
		languageField: "body.language"}
	var cerr *compatError
	req.Limits.TimeLimitMS, cerr = pistonLimit("run_timeout", in.RunTimeout, 1)
	if cerr == nil {
		req.Limits.MemoryLimitMB, cerr = pistonLimit("run_memory_limit", in.RunMemoryLimit, 1<<20)
	}
	if cerr == nil {
		// The compile stage's limits are the server's (COMPILE_TIME_LIMIT_MS); these are only checked.
		_, cerr = pistonLimit("compile_timeout", in.CompileTimeout, 1)
	}
	if cerr == nil {
		_, cerr = pistonLimit("compile_memory_limit", in.CompileMemoryLimit, 1<<20)
	}
	return lang, req, cerr
}

// pistonLanguage finds an available language by id or Piston alias whose version the selector
// matches.
func (s *server) pistonLanguage(name, selector string) (language.Language, bool) {
	for _, l := range s.deps.Languages.List() {
		if !l.Available || (l.ID != name && !slices.Contains(pistonAliases[l.ID], name)) {
			continue
		}
		if versionMatches(semver(l.Version), selector) {
			return l, true
		}
	}
	return language.Language{}, false
}

// pistonLimit maps a Piston limit (-1 or absent: the default) onto livecode's unit, rounding up.
func pistonLimit(field string, v *int64, unit int64) (*int, *compatError) {
	if v == nil || *v == -1 {
		return nil, nil
	}
	if *v < 1 {
		e := badRequest("%s must be a positive number, or -1 for the default", field)
		return nil, &e
	}
	n := int(min((*v+unit-1)/unit, 1<<31-1))
	return &n, nil
}

// pistonDecode decodes a file's content from its encoding: utf8 (default), base64 or hex.
func pistonDecode(content, encoding string) (string, error) {
	switch encoding {
	case "", "utf8":
		return content, nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(content)
		return string(b), err
	case "hex":
		b, err := hex.DecodeString(content)
		return string(b), err
	}
	return "", fmt.Errorf("encoding must be utf8, base64 or hex, not %q", encoding)
}

// pistonAnswer is an ended execution as Piston's answer: a compile stage for compiled
// languages, and no run stage when the compile failed.
func pistonAnswer(l language.Language, e execution.Execution) pistonResult {
	r := e.Result
	out := pistonResult{Language: l.ID, Version: semver(l.Version)}
	if l.Compiles() {
		zero := 0
		c := &pistonStage{Stderr: r.CompileOutput, Output: r.CompileOutput, Code: &zero}
		out.Compile = c
		if r.Reason == execution.ReasonCompileError {
			c.Code = r.ExitCode
			if c.Code == nil || *c.Code == 0 {
				one := 1
				c.Code = &one
			}
			return out
		}
	}
	run := &pistonStage{Stdout: r.Stdout, Stderr: r.Stderr, Output: r.Output, Code: r.ExitCode, Signal: nonEmpty(r.Signal)}
	if run.Signal != nil || (run.Code == nil && e.Status != execution.StatusCompleted) {
		// Piston reports a killed run by its signal, with a null code.
		run.Code = nil
		if run.Signal == nil {
			kill := "SIGKILL"
			run.Signal = &kill
		}
	}
	out.Run = run
	return out
}

// pistonFail answers with Piston's error shape; what livecode calls unprocessable is a 400 there.
func pistonFail(w http.ResponseWriter, e compatError) {
	if e.status == http.StatusUnprocessableEntity || e.status == http.StatusRequestEntityTooLarge {
		e.status = http.StatusBadRequest
	}
	writeJSON(w, e.status, map[string]string{"message": e.withField()}, e.headers)
}

var semverRE = regexp.MustCompile(`\d+(\.\d+)+`)

// semver is the first dotted version number of a toolchain's version line, as Piston shows
// versions; "0.0.0" when it has none.
func semver(line string) string {
	if v := semverRE.FindString(line); v != "" {
		return v
	}
	return "0.0.0"
}

// versionMatches reports whether version matches a Piston version selector: empty, "*", or a
// dotted prefix whose parts may be "x" or "*" ("3", "3.x", "3.11.2").
func versionMatches(version, selector string) bool {
	if selector == "" || selector == "*" {
		return true
	}
	have := strings.Split(version, ".")
	for i, part := range strings.Split(selector, ".") {
		if part == "x" || part == "*" {
			continue
		}
		if i >= len(have) || have[i] != part {
			return false
		}
	}
	return true
}

// pistonFieldOf names, in Piston's terms, the request field livecode's error names.
func pistonFieldOf(field string) string {
	switch field {
	case "time_limit_ms":
		return "run_timeout"
	case "memory_limit_mb":
		return "run_memory_limit"
	}
	return field
}
