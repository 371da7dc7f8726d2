// End-to-end Piston-compatible API on `livecode serve`: the real sandbox, and the piston-client npm package.

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// pistonStage is a run or compile stage of Piston's answer.
type pistonStage struct {
	Stdout string  `json:"stdout"`
	Stderr string  `json:"stderr"`
	Output string  `json:"output"`
	Code   *int    `json:"code"`
	Signal *string `json:"signal"`
}

// pistonAnswer is Piston's execute answer, or its error.
type pistonAnswer struct {
	Language string       `json:"language"`
	Version  string       `json:"version"`
	Run      *pistonStage `json:"run"`
	Compile  *pistonStage `json:"compile"`
	Message  string       `json:"message"`
}

func TestPistonExecute(t *testing.T) {
	t.Parallel()
	p := startCompat(t, compatUIDBase+200)
	url := p.URL + "/piston/api/v2/execute"
	var a pistonAnswer
	if code := call(t, "POST", url, map[string]any{"language": "py", "version": "3.x",
		"files": []map[string]any{{"name": "x.py", "content": "import sys; print(sys.argv[1:]); sys.exit(4)"}},
		"args":  []string{"1", "2", "3"}, "run_timeout": 3000, "run_memory_limit": -1}, &a); code != 200 ||
		a.Language != "python" || a.Run == nil || a.Run.Stdout != "['1', '2', '3']\n" || a.Run.Code == nil || *a.Run.Code != 4 ||
		a.Run.Signal != nil || a.Compile != nil {
		t.Errorf("python: %d %+v %+v", code, a, a.Run)
	}
	a = pistonAnswer{}
	if code := call(t, "POST", url, map[string]any{"language": "python", "version": "*",
		"files": []map[string]any{{"content": "while True: pass"}}, "run_timeout": 500}, &a); code != 200 ||
		a.Run == nil || a.Run.Code != nil || a.Run.Signal == nil || *a.Run.Signal != "SIGKILL" {
		t.Errorf("timeout: %d %+v %+v", code, a, a.Run)
	}
	a = pistonAnswer{}
	if code := call(t, "POST", url, map[string]any{"language": "c", "version": "*",
		"files": []map[string]any{{"name": "main.c", "content": "int main(void) { return 0 }"}}}, &a); code != 200 ||
		a.Compile == nil || a.Compile.Code == nil || *a.Compile.Code == 0 || a.Compile.Output == "" || a.Run != nil {
		t.Errorf("compile error: %d %+v %+v", code, a, a.Compile)
	}
}

// TestPistonClient runs the piston-client npm package against the server: runtimes, a run, a
// compiled run, a compile error and an unknown runtime. It needs node and npm.
func TestPistonClient(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	dir := t.TempDir()
	install := exec.Command("npm", "install", "--no-audit", "--no-fund", "--prefix", dir, "piston-client@1")
	if out, err := install.CombinedOutput(); err != nil {
		t.Skipf("npm install piston-client: %v\n%s", err, out)
	}
	script, err := os.ReadFile("testdata/piston-client.mjs")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "drive.mjs"), script, 0o644); err != nil {
		t.Fatal(err)
	}
	p := startCompat(t, compatUIDBase+300)
	cmd := exec.Command("node", filepath.Join(dir, "drive.mjs"), p.URL+"/piston")
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got struct {
		Runtimes []struct {
			Language string `json:"language"`
			Version  string `json:"version"`
		} `json:"runtimes"`
		Hello, Compiled, Broken, Unknown pistonAnswer
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	if len(got.Runtimes) < len(baseLanguages) {
		t.Errorf("runtimes: %d, want at least %d", len(got.Runtimes), len(baseLanguages))
	}
	// piston-client sends args ["1", "2", "3"] unless told otherwise.
	if r := got.Hello.Run; r == nil || r.Stdout != "Hello World! ['1', '2', '3']\n" || r.Code == nil || *r.Code != 0 {
		t.Errorf("hello: %+v %+v", got.Hello, r)
	}
	if r, c := got.Compiled.Run, got.Compiled.Compile; r == nil || r.Stdout != "42\n" || c == nil || c.Code == nil || *c.Code != 0 {
		t.Errorf("compiled: %+v run %+v compile %+v", got.Compiled, r, c)
	}
	if c := got.Broken.Compile; c == nil || c.Code == nil || *c.Code == 0 || got.Broken.Run != nil {
		t.Errorf("compile error: %+v compile %+v", got.Broken, c)
	}
	if got.Unknown.Message != "cobol-1.0.0 runtime is unknown" {
		t.Errorf("unknown runtime: %+v", got.Unknown)
	}
}
