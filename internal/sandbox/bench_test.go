// Overhead benchmarks: a trivial program in the sandbox against the same program run bare.
package sandbox_test

import (
	"context"
	"os/exec"
	"testing"

	"livecode/internal/execution"
	"livecode/internal/sandbox"
)

func BenchmarkPythonSandboxed(b *testing.B) {
	bd := setup(b, sandbox.Config{UIDBase: 71300, Slots: 1})
	l, _ := bd.langs.Lookup("python")
	spec := sandbox.Spec{Language: l, Files: []execution.File{{Content: "pass"}}}
	for b.Loop() {
		res, err := bd.sb.Run(context.Background(), spec)
		if err != nil || res.Status != execution.StatusCompleted {
			b.Fatalf("run: %v %+v", err, res)
		}
	}
}

func BenchmarkPythonBare(b *testing.B) {
	for b.Loop() {
		if err := exec.Command("/usr/bin/python3", "-c", "pass").Run(); err != nil {
			b.Fatal(err)
		}
	}
}
