// The Piston-compatible API (/piston/api/v2) with the examples of Piston's API documentation.

package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"livecode/internal/api"
)

// withPistonLanguages serves JavaScript with the version of Piston's documented examples.
func withPistonLanguages(_ *api.Config, d *api.Deps) {
	langs := testLanguages()
	js := langs["javascript"]
	js.Version = "v24.16.0"
	langs["javascript"] = js
	d.Languages = langs
}

func TestPistonRuntimes(t *testing.T) {
	t.Parallel()
	b := setup(t, withPistonLanguages)
	r := b.do(t, "GET", "/piston/api/v2/runtimes", nil).want(t, http.StatusOK)
	var got []struct {
		Language string   `json:"language"`
		Version  string   `json:"version"`
		Aliases  []string `json:"aliases"`
	}
	if err := json.Unmarshal(r.raw, &got); err != nil {
		t.Fatalf("decode %s: %v", r.raw, err)
	}
	byName := map[string]int{}
	for i, rt := range got {
		byName[rt.Language] = i
	}
	js, ok := byName["javascript"]
	if !ok || got[js].Version != "24.16.0" || !strings.Contains(strings.Join(got[js].Aliases, ","), "js") {
		t.Errorf("javascript runtime: %s", r.raw)
	}
	if _, ok := byName["cobol"]; ok {
		t.Errorf("an unavailable language is listed: %s", r.raw)
	}
	if py, ok := byName["python"]; !ok || got[py].Version != "3.11" {
		t.Errorf("python runtime: %s", r.raw)
	}
}

// TestPistonExecuteDocExample sends the request of Piston's documentation and compares the
// answer with the documented one, field by field (the output is the test worker's).
func TestPistonExecuteDocExample(t *testing.T) {
	t.Parallel()
	b := setup(t, withPistonLanguages)
	b.work(t)
	req := `{
  "language": "js",
  "version": "24.16.0",
  "files": [{"name": "my_cool_code.js", "content": "console.log(process.argv)"}],
  "stdin": "",
  "args": ["1", "2", "3"],
  "compile_timeout": 10000,
  "run_timeout": 3000,
  "compile_memory_limit": -1,
  "run_memory_limit": -1
}`
	r := b.do(t, "POST", "/piston/api/v2/execute", req).want(t, http.StatusOK)
	var got map[string]any
	if err := json.Unmarshal(r.raw, &got); err != nil {
		t.Fatal(err)
	}
	run, _ := got["run"].(map[string]any)
	want := map[string]any{"stdout": "ran: console.log(process.argv) stdin: ", "stderr": "",
		"output": "ran: console.log(process.argv) stdin: ", "code": 0.0, "signal": nil}
	for k, v := range want {
		if run[k] != v {
			t.Errorf("run.%s = %#v, want %#v", k, run[k], v)
		}
	}
	if len(run) != len(want) {
		t.Errorf("run has fields %v, want those of %v", run, want)
	}
	if got["language"] != "javascript" || got["version"] != "24.16.0" {
		t.Errorf("language, version = %v, %v", got["language"], got["version"])
	}
	if _, ok := got["compile"]; ok {
		t.Errorf("compile stage for an interpreted language: %s", r.raw)
	}
	stored := b.do(t, "GET", r.header.Get("Location"), nil).want(t, http.StatusOK)
	limits, _ := stored.body["limits"].(map[string]any)
	if limits["time_limit_ms"] != 3000.0 {
		t.Errorf("stored limits %v, want time_limit_ms 3000 from run_timeout", limits)
	}
}

func TestPistonExecuteErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, withPistonLanguages)
	file := `"files": [{"content": "x"}]`
	tests := []struct {
		name, body string
		status     int
		message    string
	}{
		{"unknown runtime", `{"language": "html", "version": "5.0.0", ` + file + `}`, 400, "html-5.0.0 runtime is unknown"},
		{"version mismatch", `{"language": "python", "version": "2.7", ` + file + `}`, 400, "python-2.7 runtime is unknown"},
		{"no files", `{"language": "python", "version": "*", "files": []}`, 400, "files is required"},
		{"bad encoding", `{"language": "python", "version": "3.x", "files": [{"content": "!!", "encoding": "base64"}]}`, 400, "files[0].content"},
		{"run_timeout above max", `{"language": "python", "version": "*", "run_timeout": 99999999, ` + file + `}`, 400, "run_timeout: time_limit_ms must be between 1 and 30000"},
		{"zero run_memory_limit", `{"language": "python", "version": "*", "run_memory_limit": 0, ` + file + `}`, 400, "run_memory_limit"},
		{"bad file name", `{"language": "python", "version": "*", "files": [{"name": "../x", "content": "x"}]}`, 400, "files[0].name"},
		{"not JSON", `{"language":`, 400, "not valid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := b.do(t, "POST", "/piston/api/v2/execute", tc.body).want(t, tc.status)
			msg, _ := r.body["message"].(string)
			if !strings.Contains(msg, tc.message) || len(r.body) != 1 {
				t.Errorf("answer %s, want only a message containing %q", r.raw, tc.message)
			}
		})
	}
}
