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
	write("jar.json", `{"id":"jar","source_file":"main.clj","run":["/usr/bin/java","-cp","/nonexistent.jar"],"toolchain":"/bin/sh",
		"packages":["apt:sh"],"libraries":[{"name":"here","path":"/bin"},{"name":"gone","path":"/nonexistent"}]}`)
	write("gone.json", `{"id":"gone","source_file":"g","run":["/bin/sh"],"toolchain":"/nonexistent/compiler"}`)
	if r, err = language.Load(dir); err != nil {
		t.Fatal(err)
	}
	if l, _ := r.Lookup("jar"); !l.Available || len(l.Libraries) != 2 || !l.Libraries[0].Available || l.Libraries[1].Available {
		t.Errorf("jar: available %v libraries %+v; want available, here found, gone not", l.Available, l.Libraries)
	}
	if l, _ := r.Lookup("gone"); l.Available {
		t.Error("gone: available, but its toolchain file is missing")
	}
	write("pkg.json", `{"id":"pkg","source_file":"p","run":["/bin/sh"],"packages":["pip:numpy"]}`)
	if _, err := language.Load(dir); err == nil {
		t.Error("Load accepted a package that is neither apt: nor npm:")
	}
	write("pkg.json", `{"id":"pkg","source_file":"p","run":["/bin/sh"]}`)
	write("bad.json", `{"id":"bad","run":[]}`)
	if _, err := language.Load(dir); err == nil {
		t.Error("Load accepted a language without source_file and run")
	}
}
