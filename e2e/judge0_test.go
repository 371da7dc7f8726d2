// End-to-end Judge0-compatible API on `livecode serve`: the documented examples on the real sandbox.

package e2e

import (
	"testing"
)

// judge0Answer is the subset of a Judge0 submission document the tests read.
type judge0Answer struct {
	Token         string  `json:"token"`
	Stdout        *string `json:"stdout"`
	CompileOutput *string `json:"compile_output"`
	Message       *string `json:"message"`
	Error         string  `json:"error"`
	Status        struct {
		ID          int    `json:"id"`
		Description string `json:"description"`
	} `json:"status"`
}

func TestJudge0Submissions(t *testing.T) {
	t.Parallel()
	p := startCompat(t, compatUIDBase+400)
	// The C program of Judge0's documentation, with its expected output.
	hello := "#include <stdio.h>\n\nint main(void) {\n  char name[10];\n  scanf(\"%s\", name);\n  printf(\"hello, %s\\n\", name);\n  return 0;\n}"
	tests := []struct {
		name     string
		body     map[string]any
		status   int
		desc     string
		stdout   string
		compiled bool // compile_output is set
	}{
		{"accepted", map[string]any{"source_code": hello, "language_id": "50", "stdin": "Judge0", "expected_output": "hello, Judge0"},
			3, "Accepted", "hello, Judge0\n", false},
		{"wrong answer", map[string]any{"source_code": hello, "language_id": 50, "stdin": "world", "expected_output": "hello, Judge0"},
			4, "Wrong Answer", "hello, world\n", false},
		{"compile error", map[string]any{"source_code": "int main( {", "language_id": 50}, 6, "Compilation Error", "", true},
		{"time limit", map[string]any{"source_code": "while True: pass", "language_id": 71, "cpu_time_limit": 0.5}, 5, "Time Limit Exceeded", "", false},
		{"segfault", map[string]any{"source_code": "int main(void) { return *(volatile int *)0; }", "language_id": 50}, 7, "Runtime Error (SIGSEGV)", "", false},
		{"nonzero exit", map[string]any{"source_code": "import sys; print('x'); sys.exit(3)", "language_id": 71}, 11, "Runtime Error (NZEC)", "x\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var a judge0Answer
			if code := call(t, "POST", p.URL+"/judge0/submissions?wait=true", tc.body, &a); code != 201 {
				t.Fatalf("POST: %d %+v", code, a)
			}
			if a.Status.ID != tc.status || a.Status.Description != tc.desc || a.Token == "" {
				t.Errorf("status %+v, want %d %s (%+v)", a.Status, tc.status, tc.desc, a)
			}
			if got := deref(a.Stdout); got != tc.stdout {
				t.Errorf("stdout %q, want %q", got, tc.stdout)
			}
			if tc.compiled != (deref(a.CompileOutput) != "") {
				t.Errorf("compile_output %q", deref(a.CompileOutput))
			}
			var again judge0Answer
			if code := call(t, "GET", p.URL+"/judge0/submissions/"+a.Token, nil, &again); code != 200 || again.Status != a.Status {
				t.Errorf("GET: %d %+v, want status %+v", code, again, a.Status)
			}
		})
	}
	// The documented answer for output JSON cannot carry: the token and Judge0's error.
	var a judge0Answer
	call(t, "POST", p.URL+"/judge0/submissions?wait=true", map[string]any{"language_id": 71,
		"source_code": "import sys; sys.stdout.buffer.write(b'\\xfe')"}, &a)
	if a.Token == "" || a.Error != "some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true query parameter" {
		t.Errorf("not UTF-8: %+v", a)
	}
	var b64 judge0Answer
	if code := call(t, "GET", p.URL+"/judge0/submissions/"+a.Token+"?base64_encoded=true", nil, &b64); code != 200 || deref(b64.Stdout) != "/g==" {
		t.Errorf("base64 read: %d %+v", code, b64)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
