// Tests of the language registry against the host's real toolchains.

package language_test

import (
	"os"
	"path/filepath"
	"testing"

	"livecode/internal/language"
)

func TestLoadBuiltin(t *testing.T) {
	t.Parallel()
	r, err := language.Load("")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ id, source, bin string }{
		{"python", "main.py", "/usr/bin/python3"},
		{"javascript", "main.js", "/usr/bin/node"},
		{"bash", "main.sh", "/bin/bash"},
	}
	for _, tt := range tests {
		l, ok := r.Lookup(tt.id)
		if !ok || !l.Available || l.Version == "" || l.SourceFile != tt.source || l.Run[0] != tt.bin || l.Starter == "" {
			t.Errorf("%s: got %+v (found %v)", tt.id, l, ok)
		}
	}
	if got := len(r.List()); got < 3 {
		t.Errorf("List has %d languages, want at least 3", got)
	}
}

func TestLoadOverride(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("python.json", `{"id":"python","name":"Py","source_file":"app.py","run":["/usr/bin/python3","app.py"]}`)
	write("ghost.json", `{"id":"ghost","name":"Ghost","source_file":"g","run":["/nonexistent/ghost"]}`)
	r, err := language.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := r.Lookup("python"); l.SourceFile != "app.py" || l.Name != "Py" {
		t.Errorf("override not applied: %+v", l)
	}
	if l, ok := r.Lookup("ghost"); !ok || l.Available {
		t.Errorf("ghost: found %v available %v, want found and unavailable", ok, l.Available)
	}
	write("bad.json", `{"id":"bad","run":[]}`)
	if _, err := language.Load(dir); err == nil {
		t.Error("Load accepted a language without source_file and run")
	}
}
