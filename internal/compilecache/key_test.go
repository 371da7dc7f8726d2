// Tests of cache keys: stable for equal inputs, different for any changed input.

package compilecache_test

import (
	"testing"

	"livecode/internal/compilecache"
	"livecode/internal/execution"
)

func TestKeyStable(t *testing.T) {
	t.Parallel()
	files := []execution.File{{Name: "main.c", Content: "int main(){}"}}
	a := compilecache.Key("c", "gcc 12", []string{"gcc", "-O2"}, files)
	b := compilecache.Key("c", "gcc 12", []string{"gcc", "-O2"}, []execution.File{{Name: "main.c", Content: "int main(){}"}})
	if a != b {
		t.Fatalf("equal inputs gave %s and %s", a, b)
	}
	if len(a) != 64 {
		t.Fatalf("key %q: want 64 hex digits", a)
	}
}

func TestKeySensitive(t *testing.T) {
	t.Parallel()
	type input struct {
		lang, version string
		argv          []string
		files         []execution.File
	}
	base := input{"c", "gcc 12", []string{"gcc", "-O2", "main.c"}, []execution.File{{Name: "main.c", Content: "x"}, {Name: "a.h", Content: "y"}}}
	tests := []struct {
		name string
		in   input
	}{
		{"language", input{"cpp", base.version, base.argv, base.files}},
		{"version", input{base.lang, "gcc 13", base.argv, base.files}},
		{"argv value", input{base.lang, base.version, []string{"gcc", "-O3", "main.c"}, base.files}},
		{"argv split", input{base.lang, base.version, []string{"gcc", "-O2 main.c"}, base.files}},
		{"argv empty", input{base.lang, base.version, nil, base.files}},
		{"file content", input{base.lang, base.version, base.argv, []execution.File{{Name: "main.c", Content: "x!"}, {Name: "a.h", Content: "y"}}}},
		{"file name", input{base.lang, base.version, base.argv, []execution.File{{Name: "main.c", Content: "x"}, {Name: "b.h", Content: "y"}}}},
		{"file order", input{base.lang, base.version, base.argv, []execution.File{{Name: "a.h", Content: "y"}, {Name: "main.c", Content: "x"}}}},
		{"file missing", input{base.lang, base.version, base.argv, base.files[:1]}},
		{"name/content boundary", input{base.lang, base.version, base.argv, []execution.File{{Name: "main.cx", Content: ""}, {Name: "a.h", Content: "y"}}}},
		{"language/version boundary", input{"cg", "cc 12", base.argv, base.files}},
	}
	want := compilecache.Key(base.lang, base.version, base.argv, base.files)
	seen := map[string]string{want: "base"}
	for _, tt := range tests {
		got := compilecache.Key(tt.in.lang, tt.in.version, tt.in.argv, tt.in.files)
		if other, dup := seen[got]; dup {
			t.Errorf("%s: same key as %s", tt.name, other)
		}
		seen[got] = tt.name
	}
}
