// Package language holds language definitions: data that says how to compile and run a program.

package language

import "livecode/internal/execution"

// Language says how to run programs of one language in the sandbox.
type Language struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Version    string   `json:"version"`     // read from the toolchain at load time
	VersionCmd []string `json:"version_cmd"` // prints the toolchain version
	SourceFile string   `json:"source_file"` // file name of the entry point, e.g. "main.py"
	Compile    []string `json:"compile"`     // optional; run in the work dir, produces an artifact
	// Toolchain is the file whose presence makes the language available; empty means the
	// compiler (compile[0]) or, for interpreted languages, the interpreter (run[0]).
	Toolchain string           `json:"toolchain"`
	Run       []string         `json:"run"`    // argv run in the work dir; program args are appended
	Mounts    []string         `json:"mounts"` // extra read-only host paths the toolchain needs
	Env       []string         `json:"env"`    // extra KEY=VALUE for the program
	Limits    execution.Limits `json:"limits"` // per-language defaults; zero fields take the service defaults
	// CompileLimits raise the service's compile limits for this language (a JVM or GHC compile
	// needs more time, memory or threads); a field below the service's is ignored.
	CompileLimits execution.Limits `json:"compile_limits"`
	Starter       string           `json:"starter_code"` // the program a new session of the language starts with
	// Packages install the toolchain and its libraries (livecode toolchains install): "apt:NAME"
	// for a Debian package, "npm:NAME@VERSION" for an npm package installed under /usr.
	Packages  []string  `json:"packages"`
	Libraries []Library `json:"libraries"` // what programs may import beyond the standard library
	Available bool      `json:"-"`         // the toolchain is installed
}

// Compiles reports whether the language has a compile step.
func (l Language) Compiles() bool { return len(l.Compile) > 0 }

// ToolchainPath is the file that must exist for the language to be available.
func (l Language) ToolchainPath() string {
	switch {
	case l.Toolchain != "":
		return l.Toolchain
	case l.Compiles():
		return l.Compile[0]
	}
	return l.Run[0]
}

// Library is a library programs of a language may import, found read-only at Path in the
// sandbox (a path under /usr, or one the language's mounts bind).
type Library struct {
	Name      string `json:"name"`
	Path      string `json:"path"` // a file or directory that exists when the library is installed
	Version   string `json:"version,omitempty"`
	Available bool   `json:"-"` // Path exists
}
