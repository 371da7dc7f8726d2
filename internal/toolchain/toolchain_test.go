// Tests of choosing languages and the packages they name.

package toolchain_test

import (
	"context"
	"slices"
	"testing"

	"livecode/internal/language"
	"livecode/internal/toolchain"
)

func TestSelectAndPackages(t *testing.T) {
	t.Parallel()
	all := []language.Language{
		{ID: "c", Packages: []string{"apt:gcc"}},
		{ID: "assembly", Packages: []string{"apt:nasm", "apt:gcc"}},
		{ID: "typescript", Packages: []string{"apt:nodejs", "npm:typescript@5.9.3"}},
	}
	tests := []struct {
		names    string
		ids, apt []string
		npm      []string
	}{
		{"", []string{"c", "assembly", "typescript"}, []string{"gcc", "nasm", "nodejs"}, []string{"typescript@5.9.3"}},
		{"assembly,c", []string{"assembly", "c"}, []string{"nasm", "gcc"}, nil},
		{"typescript c", []string{"typescript", "c"}, []string{"nodejs", "gcc"}, []string{"typescript@5.9.3"}},
	}
	for _, tt := range tests {
		got, err := toolchain.Select(all, tt.names)
		if err != nil {
			t.Fatalf("%q: %v", tt.names, err)
		}
		var ids []string
		for _, l := range got {
			ids = append(ids, l.ID)
		}
		apt, npm := toolchain.Packages(got)
		if !slices.Equal(ids, tt.ids) || !slices.Equal(apt, tt.apt) || !slices.Equal(npm, tt.npm) {
			t.Errorf("%q: got %v apt %v npm %v; want %v apt %v npm %v", tt.names, ids, apt, npm, tt.ids, tt.apt, tt.npm)
		}
	}
	if _, err := toolchain.Select(all, "c,cobol"); err == nil {
		t.Error("Select accepted an unknown language")
	}
}

func TestInstallSkipsWhatIsInstalled(t *testing.T) {
	t.Parallel()
	// bash is installed on every host these tests run on: nothing to run.
	langs := []language.Language{{ID: "bash", Packages: []string{"apt:bash"}}}
	var ran []string
	run := func(_ context.Context, name string, args ...string) error {
		ran = append(ran, name)
		return nil
	}
	if err := toolchain.Install(context.Background(), langs, run); err != nil || len(ran) != 0 {
		t.Fatalf("Install ran %v (%v), want nothing", ran, err)
	}
	langs = append(langs, language.Language{ID: "ghost", Packages: []string{"apt:livecode-no-such-package"}})
	if err := toolchain.Install(context.Background(), langs, run); err != nil || !slices.Equal(ran, []string{"apt-get"}) {
		t.Fatalf("Install ran %v (%v), want one apt-get", ran, err)
	}
}
