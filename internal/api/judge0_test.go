// The Judge0-compatible API (/judge0) replaying the examples of Judge0's API documentation.

package api_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"livecode/internal/api"
	"livecode/internal/language"
)

// keysOf lists a JSON object's keys, sorted.
func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string { slices.Sort(s); return s }

// The refusals of Judge0's "Create a Submission" examples, with Judge0's bodies.
func TestJudge0CreateRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	code := `#include <stdio.h>\n\nint main(void) {\n  char name[10];\n  scanf(\"%s\", name);\n  printf(\"hello, %s\\n\", name);\n  return 0;\n}`
	tests := []struct {
		name, body string
		want       map[string]any
	}{
		{"no language", `{"source_code": "` + code + `"}`, map[string]any{"language_id": []any{"can't be blank"}}},
		{"unknown language", `{"source_code": "` + code + `", "language_id": 150000, "stdin": "world", "expected_output": "hello, world"}`,
			map[string]any{"language_id": []any{"language with id 150000 doesn't exist"}}},
		{"unavailable language", `{"source_code": "x", "language_id": 50}`, map[string]any{"language_id": []any{"language with id 50 doesn't exist"}}},
		{"no source", `{"language_id": 71}`, map[string]any{"source_code": []any{"can't be blank"}}},
		{"callback", `{"source_code": "x", "language_id": 71, "callback_url": "http://169.254.169.254/"}`,
			map[string]any{"callback_url": []any{"callback_url 169.254.169.254 is a cloud metadata address, which callbacks may not reach (WEBHOOK_ALLOW)"}}},
		{"bad base64 without flag is text", `{"source_code": "x", "language_id": 71, "memory_limit": -5}`, map[string]any{"memory_limit": []any{"must be greater than 0"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := b.do(t, "POST", "/judge0/submissions", tc.body).want(t, http.StatusUnprocessableEntity)
			if !reflect.DeepEqual(r.body, tc.want) {
				t.Errorf("body %s, want %v", r.raw, tc.want)
			}
		})
	}
	// The documented limits example: a wall_time_limit above the server's maximum names it.
	r := b.do(t, "POST", "/judge0/submissions", `{"source_code": "x", "language_id": 71, "number_of_runs": 1, "stdin": "Judge0",
		"expected_output": "hello, Judge0", "cpu_time_limit": 1, "cpu_extra_time": 0.5, "wall_time_limit": 100000, "memory_limit": 128000,
		"stack_limit": 128000, "enable_per_process_and_thread_time_limit": false, "enable_per_process_and_thread_memory_limit": false,
		"max_file_size": 1024}`).want(t, http.StatusUnprocessableEntity)
	if !reflect.DeepEqual(r.body, map[string]any{"wall_time_limit": []any{"must be less than or equal to 30"}}) {
		t.Errorf("limits example: %s", r.raw)
	}
	if d, _ := b.queue.Depth(t.Context()); d != 0 {
		t.Errorf("queue depth %d after refusals, want 0", d)
	}
}

func TestJudge0CreateAndGet(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.work(t)
	r := b.do(t, "POST", "/judge0/submissions", `{"source_code": "print(input())", "language_id": 71, "stdin": "world"}`).want(t, http.StatusCreated)
	token := r.str("token")
	if len(r.body) != 1 || token == "" {
		t.Fatalf("create: %s, want only a token", r.raw)
	}
	b.waitTerminal(t, token)
	got := b.do(t, "GET", "/judge0/submissions/"+token, nil).want(t, http.StatusOK)
	if k := keysOf(got.body); !reflect.DeepEqual(k, sorted("stdout", "time", "memory", "stderr", "token", "compile_output", "message", "status")) {
		t.Errorf("default fields %v", k)
	}
	want := map[string]any{"stdout": "ran: print(input()) stdin: world", "time": "0.003", "stderr": nil, "token": token,
		"compile_output": nil, "message": nil, "status": map[string]any{"id": 3.0, "description": "Accepted"}}
	for k, v := range want {
		if !reflect.DeepEqual(got.body[k], v) {
			t.Errorf("%s = %#v, want %#v", k, got.body[k], v)
		}
	}
	// The documented fields example.
	got = b.do(t, "GET", "/judge0/submissions/"+token+"?fields=stdout,stderr,status_id,language_id", nil).want(t, http.StatusOK)
	wantDoc := map[string]any{"stdout": "ran: print(input()) stdin: world", "status_id": 3.0, "language_id": 71.0, "stderr": nil}
	if !reflect.DeepEqual(got.body, wantDoc) {
		t.Errorf("fields example: %s, want %v", got.raw, wantDoc)
	}
	if all := b.do(t, "GET", "/judge0/submissions/"+token+"?fields=*", nil).want(t, http.StatusOK); all.body["source_code"] != "print(input())" ||
		all.body["stdin"] != "world" || all.body["finished_at"] == nil {
		t.Errorf("fields=*: %s", all.raw)
	}
	b.do(t, "GET", "/judge0/submissions/"+token+"?fields=stdout,nope", nil).want(t, http.StatusBadRequest)
	b.do(t, "GET", "/judge0/submissions/01939c4e-0000-7000-8000-000000000000", nil).want(t, http.StatusNotFound)
}

func TestJudge0WaitAndExpectedOutput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.work(t)
	tests := []struct {
		expected string
		status   float64
		desc     string
	}{
		{"ran: x stdin: Judge0\n", 3, "Accepted"}, // trailing whitespace does not count
		{"hello, Judge0", 4, "Wrong Answer"},
	}
	for _, tc := range tests {
		body, _ := json.Marshal(map[string]any{"source_code": "x", "language_id": "71", "stdin": "Judge0", "expected_output": tc.expected})
		r := b.do(t, "POST", "/judge0/submissions?wait=true", string(body)).want(t, http.StatusCreated)
		st, _ := r.body["status"].(map[string]any)
		if st["id"] != tc.status || st["description"] != tc.desc || r.str("token") == "" || r.str("stdout") != "ran: x stdin: Judge0" {
			t.Errorf("expected %q: %s", tc.expected, r.raw)
		}
	}
	b.do(t, "POST", "/judge0/submissions?wait=maybe", `{"source_code": "x", "language_id": 71}`).want(t, http.StatusBadRequest)
}

func TestJudge0Base64(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.work(t)
	enc := base64.StdEncoding.EncodeToString
	// The documented example's encoded source and input (its "input" is Judge0's own typo for stdin).
	r := b.do(t, "POST", "/judge0/submissions?base64_encoded=true&wait=true",
		`{"source_code": "`+enc([]byte("print(1)"))+`", "language_id": 71, "stdin": "SnVkZ2Uw"}`).want(t, http.StatusCreated)
	if r.str("stdout") != enc([]byte("ran: print(1) stdin: Judge0")) {
		t.Errorf("base64 answer: %s", r.raw)
	}
	r = b.do(t, "POST", "/judge0/submissions?base64_encoded=true", `{"source_code": "!!", "language_id": 71}`).want(t, http.StatusUnprocessableEntity)
	if !reflect.DeepEqual(r.body, map[string]any{"source_code": []any{"is not valid Base64"}}) {
		t.Errorf("bad base64: %s", r.raw)
	}
	// Output that is not UTF-8 reads only with base64_encoded=true.
	r = b.do(t, "POST", "/judge0/submissions?base64_encoded=true",
		`{"source_code": "`+enc([]byte("\xfe"))+`", "language_id": 71}`).want(t, http.StatusCreated)
	const notUTF8 = "some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true query parameter"
	token := r.str("token")
	b.waitTerminal(t, token)
	if g := b.do(t, "GET", "/judge0/submissions/"+token, nil).want(t, http.StatusBadRequest); g.str("error") != notUTF8 {
		t.Errorf("not UTF-8 GET: %s", g.raw)
	}
	b.do(t, "GET", "/judge0/submissions/"+token+"?base64_encoded=true", nil).want(t, http.StatusOK)
}

func TestJudge0Batch(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxBatch = 3 })
	b.work(t)
	r := b.do(t, "POST", "/judge0/submissions/batch", `{"submissions": [
		{"language_id": 71, "source_code": "a"},
		{"language_id": 150000, "source_code": "b"},
		{"language_id": 71, "source_code": "c"}]}`).want(t, http.StatusCreated)
	var items []map[string]any
	if err := json.Unmarshal(r.raw, &items); err != nil || len(items) != 3 {
		t.Fatalf("batch answer %s: %v", r.raw, err)
	}
	if items[0]["token"] == nil || items[2]["token"] == nil ||
		!reflect.DeepEqual(items[1], map[string]any{"language_id": []any{"language with id 150000 doesn't exist"}}) {
		t.Fatalf("batch answer %s", r.raw)
	}
	first, third := items[0]["token"].(string), items[2]["token"].(string)
	b.waitTerminal(t, first)
	b.waitTerminal(t, third)
	unknown := "01939c4e-0000-7000-8000-000000000000"
	g := b.do(t, "GET", "/judge0/submissions/batch?tokens="+first+","+unknown+","+third+"&fields=token,stdout", nil).want(t, http.StatusOK)
	subs, _ := g.body["submissions"].([]any)
	want := []any{map[string]any{"token": first, "stdout": "ran: a stdin: "}, nil, map[string]any{"token": third, "stdout": "ran: c stdin: "}}
	if !reflect.DeepEqual(subs, want) {
		t.Errorf("batch read %s, want %v", g.raw, want)
	}
	b.do(t, "POST", "/judge0/submissions/batch", `{"submissions": [{}, {}, {}, {}]}`).want(t, http.StatusUnprocessableEntity)
	b.do(t, "POST", "/judge0/submissions/batch", `{"submissions": []}`).want(t, http.StatusUnprocessableEntity)
}

func TestJudge0LanguagesAndStatuses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var langs []map[string]any
	if err := json.Unmarshal(b.do(t, "GET", "/judge0/languages", nil).want(t, http.StatusOK).raw, &langs); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{"id": 63.0, "name": "JavaScript (Node.js 0.0.0)"}, {"id": 71.0, "name": "Python (3.11)"}}
	if !reflect.DeepEqual(langs, want) {
		t.Errorf("languages %v, want %v", langs, want)
	}
	var statuses []map[string]any
	if err := json.Unmarshal(b.do(t, "GET", "/judge0/statuses", nil).want(t, http.StatusOK).raw, &statuses); err != nil {
		t.Fatal(err)
	}
	if len(statuses) != 14 || statuses[0]["description"] != "In Queue" || statuses[2]["description"] != "Accepted" ||
		statuses[6]["description"] != "Runtime Error (SIGSEGV)" || statuses[13]["description"] != "Exec Format Error" {
		t.Errorf("statuses %v", statuses)
	}
}

// Judge0 clients send their key as X-Auth-Token; each key sees only its own submissions.
func TestJudge0AuthToken(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys)
	body := `{"source_code": "x", "language_id": 71}`
	b.do(t, "POST", "/judge0/submissions", body).want(t, http.StatusUnauthorized)
	token := b.do(t, "POST", "/judge0/submissions", body, "X-Auth-Token", aliceKey).want(t, http.StatusCreated).str("token")
	b.do(t, "GET", "/judge0/submissions/"+token, nil, "X-Auth-Token", aliceKey).want(t, http.StatusOK)
	b.do(t, "GET", "/judge0/submissions/"+token, nil, "X-Auth-Token", bobKey).want(t, http.StatusNotFound)
	// X-Auth-Token is Judge0's: elsewhere it is no key.
	b.do(t, "GET", "/executions/"+token, nil, "X-Auth-Token", aliceKey).want(t, http.StatusUnauthorized)
}

// Quotas apply to each submission of a batch on its own; a refusal beyond them carries Retry-After.
func TestJudge0Quota(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys, func(c *api.Config, _ *api.Deps) { c.QuotaRunRateLimit = 2 })
	sub := `{"source_code": "x", "language_id": 71}`
	r := b.do(t, "POST", "/judge0/submissions/batch", `{"submissions": [`+sub+`, `+sub+`, `+sub+`]}`, bearer(aliceKey)...).want(t, http.StatusCreated)
	var items []map[string]any
	if err := json.Unmarshal(r.raw, &items); err != nil || len(items) != 3 {
		t.Fatalf("batch %s: %v", r.raw, err)
	}
	if items[0]["token"] == nil || items[1]["token"] == nil || items[2]["error"] == nil {
		t.Errorf("batch past the quota: %s", r.raw)
	}
	one := b.do(t, "POST", "/judge0/submissions", sub, bearer(aliceKey)...).want(t, http.StatusTooManyRequests)
	if one.header.Get("Retry-After") == "" || one.str("error") == "" {
		t.Errorf("429: %v %s", one.header, one.raw)
	}
}

// A Judge0 client learns the server's limits in Judge0's units: the maximums the refusals name.
func TestJudge0ConfigInfo(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, "GET", "/judge0/config_info", nil).want(t, http.StatusOK)
	want := map[string]any{"enable_wait_result": true, "max_cpu_time_limit": 30.0, "max_wall_time_limit": 30.0,
		"cpu_time_limit": 5.0, "memory_limit": 256.0 * 1024, "max_memory_limit": 1024.0 * 1024, "max_submission_batch_size": 20.0}
	for k, v := range want {
		if r.body[k] != v {
			t.Errorf("%s = %v, want %v", k, r.body[k], v)
		}
	}
}

// A run of a language Judge0 has no id for reads with language_id 0 and the language's own name.
func TestJudge0ReadsOtherLanguages(t *testing.T) {
	t.Parallel()
	b := setup(t, func(_ *api.Config, d *api.Deps) {
		langs := testLanguages()
		langs["zig"] = language.Language{ID: "zig", Name: "Zig", SourceFile: "main.zig", Available: true}
		d.Languages = langs
	})
	id := b.do(t, "POST", "/run", map[string]any{"language": "zig", "code": "x", "wait_ms": 0}).want(t, http.StatusAccepted).str("execution_id")
	r := b.do(t, "GET", "/judge0/submissions/"+id+"?fields=language_id,language,status_id", nil).want(t, http.StatusOK)
	want := map[string]any{"language_id": 0.0, "language": map[string]any{"id": 0.0, "name": "Zig"}, "status_id": 1.0}
	if !reflect.DeepEqual(r.body, want) {
		t.Errorf("got %s, want %v", r.raw, want)
	}
}
