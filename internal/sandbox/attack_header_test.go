// Parsing of the attack corpus: each program's expected outcome, declared in its header comments.

package sandbox_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"livecode/internal/execution"
)

// attack is one program of testdata/attacks and what must happen when it runs.
type attack struct {
	file, lang, code string
	about            string
	limits           execution.Limits
	status           execution.Status
	reasons          []execution.Reason // any of; empty means ReasonNone
	exit             *int
	signal           string
	stdout           *string
	has, stderrHas   []string
	lacks            []string // in neither stdout nor stderr
	outputBytes      int      // -1: not checked
	maxMemoryKB      int64
	maxWallMS        int64
}

// languageOf maps a corpus file's extension to a language id; "" for files that are not programs.
func languageOf(ext string) string {
	switch ext {
	case ".py":
		return "python"
	case ".sh":
		return "bash"
	case ".js":
		return "javascript"
	case ".c":
		return "c"
	}
	return ""
}

// hostAnswer says whether the host answers yes to a named probe (see attack_probe_test.go).
type hostAnswer func(probe string) (bool, error)

// loadAttacks reads every program of dir, asking host about the probes their headers name.
func loadAttacks(dir string, host hostAnswer) ([]attack, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []attack
	for _, e := range entries {
		lang := languageOf(filepath.Ext(e.Name()))
		if lang == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		a, err := parseAttack(e.Name(), lang, string(b), host)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		out = append(out, a)
	}
	return out, nil
}

// parseAttack reads code's header. A key written `[probe] key:` applies only when the host
// answers yes to probe, `[!probe] key:` only when it answers no: the expected outcome of a
// program whose fate the kernel decides (the 32-bit ABI) is what the host itself does.
func parseAttack(file, lang, code string, host hostAnswer) (attack, error) {
	a := attack{file: file, lang: lang, code: code, outputBytes: -1}
	for _, line := range strings.Split(code, "\n") {
		rest, ok := strings.CutPrefix(line, "#")
		if !ok {
			if rest, ok = strings.CutPrefix(line, "//"); !ok {
				break
			}
		}
		key, val, ok := strings.Cut(strings.TrimSpace(rest), ":")
		if !ok {
			continue
		}
		key, applies, err := onThisHost(key, host)
		if err != nil {
			return a, err
		}
		if !applies {
			continue
		}
		if err := a.set(key, strings.TrimSpace(val)); err != nil {
			return a, err
		}
	}
	switch {
	case a.about == "":
		return a, fmt.Errorf("no attack: line")
	case a.status == "":
		return a, fmt.Errorf("no expect: line")
	}
	return a, nil
}

// onThisHost strips a `[probe]` or `[!probe]` condition from key and reports whether the line
// applies on this host.
func onThisHost(key string, host hostAnswer) (string, bool, error) {
	cond, rest, ok := strings.Cut(key, "]")
	if !strings.HasPrefix(cond, "[") || !ok {
		return key, true, nil
	}
	name, negated := strings.CutPrefix(cond[1:], "!")
	yes, err := host(name)
	if err != nil {
		return key, false, err
	}
	return strings.TrimSpace(rest), yes != negated, nil
}

func (a *attack) set(key, val string) error {
	var err error
	switch key {
	case "attack":
		a.about = val
	case "expect":
		status, reasons, _ := strings.Cut(val, "/")
		a.status = execution.Status(status)
		for _, r := range strings.Split(reasons, "|") {
			if r != "" {
				a.reasons = append(a.reasons, execution.Reason(r))
			}
		}
	case "limits":
		err = a.setLimits(val)
	case "exit":
		var n int
		n, err = strconv.Atoi(val)
		a.exit = &n
	case "signal":
		a.signal = val
	case "stdout":
		var s string
		s, err = strconv.Unquote(val)
		a.stdout = &s
	case "has":
		a.has = append(a.has, val)
	case "stderr-has":
		a.stderrHas = append(a.stderrHas, val)
	case "lacks":
		a.lacks = append(a.lacks, val)
	case "output-bytes":
		a.outputBytes, err = strconv.Atoi(val)
	case "max-memory-kb":
		a.maxMemoryKB, err = strconv.ParseInt(val, 10, 64)
	case "max-wall-ms":
		a.maxWallMS, err = strconv.ParseInt(val, 10, 64)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

func (a *attack) setLimits(val string) error {
	for _, kv := range strings.Fields(val) {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("limit %q: %w", kv, err)
		}
		switch k {
		case "time":
			a.limits.TimeLimitMS = n
		case "memory":
			a.limits.MemoryLimitMB = n
		case "procs":
			a.limits.MaxProcesses = n
		case "output":
			a.limits.OutputLimitBytes = n
		default:
			return fmt.Errorf("unknown limit %q", k)
		}
	}
	return nil
}

// check compares a result with the expectations, secret standing for $SECRET.
func (a attack) check(res execution.Result, secret string) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	expand := func(s string) string { return strings.ReplaceAll(s, "$SECRET", secret) }
	reasons := a.reasons
	if len(reasons) == 0 {
		reasons = []execution.Reason{execution.ReasonNone}
	}
	if res.Status != a.status || !slices.Contains(reasons, res.Reason) {
		fail("got %s/%q, want %s/%v", res.Status, res.Reason, a.status, reasons)
	}
	if a.exit != nil && (res.ExitCode == nil || *res.ExitCode != *a.exit) {
		fail("exit code %v, want %d", deref(res.ExitCode), *a.exit)
	}
	if a.signal != "" && res.Signal != a.signal {
		fail("signal %q, want %q", res.Signal, a.signal)
	}
	if a.stdout != nil && res.Stdout != *a.stdout {
		fail("stdout %q, want %q", res.Stdout, *a.stdout)
	}
	for _, s := range a.has {
		if !strings.Contains(res.Stdout, expand(s)) {
			fail("stdout lacks %q", expand(s))
		}
	}
	for _, s := range a.stderrHas {
		if !strings.Contains(res.Stderr, expand(s)) {
			fail("stderr lacks %q", expand(s))
		}
	}
	for _, s := range a.lacks {
		if strings.Contains(res.Stdout, expand(s)) || strings.Contains(res.Stderr, expand(s)) {
			fail("output contains forbidden %q", expand(s))
		}
	}
	if a.outputBytes >= 0 && len(res.Output) != a.outputBytes {
		fail("kept %d bytes of output, want %d", len(res.Output), a.outputBytes)
	}
	if a.maxMemoryKB > 0 && (res.MemoryKB == nil || *res.MemoryKB > a.maxMemoryKB) {
		fail("peak memory %v KiB, want at most %d", deref(res.MemoryKB), a.maxMemoryKB)
	}
	if a.maxWallMS > 0 && (res.ExecutionTimeMS == nil || *res.ExecutionTimeMS > a.maxWallMS) {
		fail("wall time %v ms, want at most %d", deref(res.ExecutionTimeMS), a.maxWallMS)
	}
	return bad
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
