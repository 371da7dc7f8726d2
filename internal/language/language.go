// Package language holds language definitions: data that says how to compile and run a program.

package language

import "livecode/internal/execution"

// Language says how to run programs of one language in the sandbox.
type Language struct {
	ID         string           `json:"id"`
	Name       string           `json:"name"`
	Version    string           `json:"version"`      // read from the toolchain at load time
	VersionCmd []string         `json:"version_cmd"`  // prints the toolchain version
	SourceFile string           `json:"source_file"`  // file name of the entry point, e.g. "main.py"
	Compile    []string         `json:"compile"`      // optional; run in the work dir, produces an artifact
	Run        []string         `json:"run"`          // argv run in the work dir; program args are appended
	Mounts     []string         `json:"mounts"`       // extra read-only host paths the toolchain needs
	Env        []string         `json:"env"`          // extra KEY=VALUE for the program
	Limits     execution.Limits `json:"limits"`       // per-language defaults; zero fields take the service defaults
	Starter    string           `json:"starter_code"` // the program a new session of the language starts with
	Available  bool             `json:"-"`            // the toolchain is installed
}

// Compiles reports whether the language has a compile step.
func (l Language) Compiles() bool { return len(l.Compile) > 0 }
