// Choosing languages and installing the packages they name.

package toolchain

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"livecode/internal/language"
)

// Runner runs one command, its output going to the operator; an error means it failed.
type Runner func(ctx context.Context, name string, args ...string) error

// Select returns the languages that names lists (ids separated by commas or spaces), in the
// order of all; an empty names selects all. It returns an error naming an unknown id.
func Select(all []language.Language, names string) ([]language.Language, error) {
	ids := strings.FieldsFunc(names, func(r rune) bool { return r == ',' || r == ' ' })
	if len(ids) == 0 {
		return all, nil
	}
	var out []language.Language
	for _, id := range ids {
		i := slices.IndexFunc(all, func(l language.Language) bool { return l.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("toolchain: unknown language %q", id)
		}
		out = append(out, all[i])
	}
	return out, nil
}

// Packages returns the apt and npm packages that langs name, each once, in order.
func Packages(langs []language.Language) (apt, npm []string) {
	for _, l := range langs {
		for _, p := range l.Packages {
			kind, name, _ := strings.Cut(p, ":")
			switch {
			case kind == "apt" && !slices.Contains(apt, name):
				apt = append(apt, name)
			case kind == "npm" && !slices.Contains(npm, name):
				npm = append(npm, name)
			}
		}
	}
	return apt, npm
}

// NPMPrefix is where npm packages are installed (npm install -g --prefix): their modules land
// in NPMPrefix/lib/node_modules, under /usr, which every sandbox binds read-only.
const NPMPrefix = "/usr"

// Install installs the packages of langs that are missing: apt-get first (updating its lists
// once when an install fails, as on a fresh machine), then npm. It returns the first failure.
func Install(ctx context.Context, langs []language.Language, run Runner) error {
	apt, npm := Packages(langs)
	apt = slices.DeleteFunc(apt, aptInstalled)
	npm = slices.DeleteFunc(npm, npmInstalled)
	if len(apt) > 0 {
		args := append([]string{"install", "-y", "--no-install-recommends"}, apt...)
		if err := run(ctx, "apt-get", args...); err != nil {
			if err := run(ctx, "apt-get", "update", "-qq"); err != nil {
				return fmt.Errorf("toolchain: apt-get update: %w", err)
			}
			if err := run(ctx, "apt-get", args...); err != nil {
				return fmt.Errorf("toolchain: apt-get install: %w", err)
			}
		}
	}
	if len(npm) > 0 {
		args := append([]string{"install", "-g", "--prefix", NPMPrefix, "--no-fund", "--no-audit"}, npm...)
		if err := run(ctx, "npm", args...); err != nil {
			return fmt.Errorf("toolchain: npm install: %w", err)
		}
	}
	return nil
}

// aptInstalled reports whether Debian's package name is installed.
func aptInstalled(name string) bool {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", name).Output()
	return err == nil && strings.HasSuffix(string(out), "ok installed")
}

// npmInstalled reports whether the npm package spec (name@version) is installed under
// NPMPrefix at that version, or within it ("20" holds "20.1.2").
func npmInstalled(spec string) bool {
	name, want := spec, ""
	if i := strings.LastIndex(spec, "@"); i > 0 {
		name, want = spec[:i], spec[i+1:]
	}
	b, err := os.ReadFile(filepath.Join(NPMPrefix, "lib", "node_modules", name, "package.json"))
	if err != nil {
		return false
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if json.Unmarshal(b, &pkg) != nil {
		return false
	}
	return want == "" || pkg.Version == want || strings.HasPrefix(pkg.Version, want+".")
}
