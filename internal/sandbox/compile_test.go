// The compile step and live output, through the real sandbox.

package sandbox_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/sandbox"
)

func TestCompileStep(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{UIDBase: 67000})
	// A stand-in compiled language: the "compiler" turns main.src into an executable artifact.
	compiled := language.Language{
		ID: "fake", SourceFile: "main.src",
		Compile: []string{"/bin/bash", "-c", "echo compiling >&2; grep -q syntax-error main.src && exit 1; cp main.src prog && chmod +x prog"},
		Run:     []string{"/bin/bash", "prog"},
	}
	tests := []struct {
		name, code, stdout, compileOutput string
		status                            execution.Status
		reason                            execution.Reason
	}{
		{"compiles and runs", "echo compiled-ok", "compiled-ok\n", "compiling\n", execution.StatusCompleted, ""},
		{"compile error", "syntax-error", "", "compiling\n", execution.StatusFailed, execution.ReasonCompileError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := b.sb.Run(context.Background(), sandbox.Spec{Language: compiled, Files: []execution.File{{Content: tt.code}}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status || res.Reason != tt.reason || res.Stdout != tt.stdout || res.CompileOutput != tt.compileOutput || res.CompileTimeMS == nil {
				t.Fatalf("got %s/%q stdout %q compile output %q", res.Status, res.Reason, res.Stdout, res.CompileOutput)
			}
		})
	}
}

func TestLiveOutput(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{UIDBase: 67100})
	l, _ := b.langs.Lookup("python")
	var mu sync.Mutex
	var live bytes.Buffer
	spec := sandbox.Spec{
		Language: l,
		Files:    []execution.File{{Content: "import sys, time\nfor i in range(3):\n    print('out', i)\n    print('err', i, file=sys.stderr)\n    time.sleep(0.05)"}},
		Output: func(_ sandbox.Pipe, chunk []byte) {
			mu.Lock()
			live.Write(chunk)
			mu.Unlock()
		},
	}
	res, err := b.sb.Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	want := "out 0\nerr 0\nout 1\nerr 1\nout 2\nerr 2\n"
	if res.Output != want || live.String() != want {
		t.Fatalf("output %q, live %q, want %q", res.Output, live.String(), want)
	}
	if res.Stdout != "out 0\nout 1\nout 2\n" || res.Stderr != "err 0\nerr 1\nerr 2\n" {
		t.Fatalf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{UIDBase: 67200})
	l, _ := b.langs.Lookup("bash")
	ctx, cancel := context.WithCancel(context.Background())
	spec := sandbox.Spec{Language: l, Files: []execution.File{{Content: "echo go; sleep 100"}},
		Output: func(sandbox.Pipe, []byte) { cancel() }}
	res, err := b.sb.Run(ctx, spec)
	if err == nil || res.Status != execution.StatusCancelled {
		t.Fatalf("got %s, err %v; want CANCELLED and an error", res.Status, err)
	}
}
