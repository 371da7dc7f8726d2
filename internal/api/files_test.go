// Multi-file run requests: names are checked, the entry point replaces the code, files are stored.

package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"livecode/internal/api"
	"livecode/internal/execution"
)

func TestFilesRefused(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxCodeBytes = 1024 })
	sid := b.newSession(t, "print(1)")
	run := "/code-sessions/" + sid + "/run"
	file := func(name string) map[string]any { return map[string]any{"name": name, "content": "x"} }
	files := func(f ...map[string]any) map[string]any { return map[string]any{"files": f} }
	tests := []struct {
		name, path string
		body       any
		status     int
		location   string
	}{
		{"parent dir", run, files(file("main.py"), file("..")), 422, "body.files[1].name"},
		{"traversal", run, files(file("main.py"), file("../etc/passwd")), 422, "body.files[1].name"},
		{"absolute", run, files(file("main.py"), file("/etc/passwd")), 422, "body.files[1].name"},
		{"directory", run, files(file("main.py"), file("pkg/mod.py")), 422, "body.files[1].name"},
		{"dot", run, files(file(".")), 422, "body.files[0].name"},
		{"dot-file", run, files(file("main.py"), file(".bashrc")), 422, "body.files[1].name"},
		{"empty", run, files(file("main.py"), file("")), 422, "body.files[1].name"},
		{"NUL", run, files(file("main.py"), file("a\x00b")), 422, "body.files[1].name"},
		{"backslash", run, files(file("main.py"), file(`..\x`)), 422, "body.files[1].name"},
		{"duplicate", run, files(file("main.py"), file("lib.py"), file("lib.py")), 422, "body.files[2].name"},
		{"entry name taken", run, files(file("app.py"), file("main.py")), 422, "body.files[1].name"},
		{"too large", run, files(file("main.py"), map[string]any{"name": "big.txt", "content": strings.Repeat("x", 1100)}), 413, "body.files[1].content"},
		{"code and files", "/executions", map[string]any{"sessionId": sid, "code": "1", "files": []any{file("main.py")}}, 422, "body.files"},
		{"on submit", "/executions", map[string]any{"sessionId": sid, "files": []any{file("main.py"), file("../x")}}, 422, "body.files[1].name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do(t, "POST", tt.path, tt.body).want(t, tt.status)
			if !slices.Contains(r.locations(), tt.location) {
				t.Errorf("locations = %v, want %q; body %s", r.locations(), tt.location, r.raw)
			}
		})
	}
}

func TestFilesStored(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sid := b.newSession(t, "print('session code')")
	body := map[string]any{"files": []any{
		map[string]any{"name": "app.py", "content": "import lib\n"},
		map[string]any{"name": "lib.py", "content": "print('lib')\n"},
	}}
	id := b.do(t, "POST", "/code-sessions/"+sid+"/run", body).want(t, 202).str("execution_id")
	e, err := b.store.GetExecution(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	want := []execution.File{{Name: "lib.py", Content: "print('lib')\n"}}
	if e.Code != "import lib\n" || !slices.Equal(e.Files, want) {
		t.Fatalf("code %q files %v, want the entry point as code and %v", e.Code, e.Files, want)
	}
}
