// The language registry: built-in definitions embedded as data, plus an operator's overrides.

package language

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed languages/*.json
var builtin embed.FS

// Registry holds the known languages. It is read-only after Load and safe for concurrent use.
type Registry struct {
	byID map[string]Language
}

// Load reads the built-in language definitions, then every *.json in dir (when dir is not
// empty), a definition in dir replacing the built-in one of the same id. It checks each
// toolchain once: Available tells whether its binary exists, Version is what VersionCmd printed.
// It returns an error when a definition is malformed or dir cannot be read.
func Load(dir string) (*Registry, error) {
	r := &Registry{byID: map[string]Language{}}
	if err := r.loadFS(builtin, "languages"); err != nil {
		return nil, err
	}
	if dir != "" {
		if err := r.loadFS(os.DirFS(dir), "."); err != nil {
			return nil, err
		}
	}
	langs := r.List()
	var wg sync.WaitGroup
	for i := range langs {
		wg.Add(1)
		go func() { // version commands take tens of milliseconds each: run them together
			defer wg.Done()
			langs[i].Available = available(langs[i])
			langs[i].Libraries = probeLibraries(langs[i].Libraries)
			if langs[i].Available {
				langs[i].Version = version(langs[i].VersionCmd)
			}
		}()
	}
	wg.Wait()
	for _, l := range langs {
		r.byID[l.ID] = l
	}
	return r, nil
}

func (r *Registry) loadFS(fsys fs.FS, dir string) error {
	names, err := fs.Glob(fsys, filepath.Join(dir, "*.json"))
	if err != nil {
		return fmt.Errorf("language: %w", err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("language: %w", err)
		}
		var l Language
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return fmt.Errorf("language: %s: %w", name, err)
		}
		if err := l.validate(); err != nil {
			return fmt.Errorf("language: %s: %w", name, err)
		}
		r.byID[l.ID] = l
	}
	return nil
}

func (l Language) validate() error {
	switch {
	case l.ID == "" || strings.ContainsAny(l.ID, " /"):
		return fmt.Errorf("invalid id %q", l.ID)
	case l.SourceFile == "" || strings.Contains(l.SourceFile, "/"):
		return fmt.Errorf("invalid source_file %q", l.SourceFile)
	case len(l.Run) == 0:
		return fmt.Errorf("run is empty")
	}
	for _, p := range l.Packages {
		if kind, name, _ := strings.Cut(p, ":"); (kind != "apt" && kind != "npm") || name == "" {
			return fmt.Errorf("package %q is not apt:NAME or npm:NAME@VERSION", p)
		}
	}
	for _, lib := range l.Libraries {
		if lib.Name == "" || !filepath.IsAbs(lib.Path) {
			return fmt.Errorf("library %q needs a name and an absolute path", lib.Name)
		}
	}
	return nil
}

// Lookup returns the language with this id, available or not.
func (r *Registry) Lookup(id string) (Language, bool) {
	l, ok := r.byID[id]
	return l, ok
}

// List returns every language, sorted by id.
func (r *Registry) List() []Language {
	out := make([]Language, 0, len(r.byID))
	for _, l := range r.byID {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// available reports whether the toolchain binary exists: Toolchain when set, else the compiler
// for compiled languages (their run command names the artifact), else the interpreter.
func available(l Language) bool {
	bin := l.ToolchainPath()
	fi, err := os.Stat(bin)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// probeLibraries returns libs, each marked available when its path exists.
func probeLibraries(libs []Library) []Library {
	out := make([]Library, len(libs))
	for i, l := range libs {
		_, err := os.Stat(l.Path)
		l.Available = err == nil
		out[i] = l
	}
	return out
}

// version runs cmd and returns the first line of its output, shortened.
func version(cmd []string) string {
	if len(cmd) == 0 {
		return ""
	}
	// Bounded: a server's start waits for the slowest of some forty probes. A toolchain too slow
	// to answer in time (a busy host) is still available, its version unknown.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, cmd[0], cmd[1:]...).CombinedOutput()
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	line = strings.TrimSpace(line)
	if len(line) > 80 {
		line = line[:80]
	}
	return line
}
