// End-to-end tests of what operators and retrying clients rely on: idempotency across API
// servers, the dead-letter set, and metrics.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"livecode/internal/testsvc"
)

// post sends body with extra headers and returns the status and the decoded answer.
func post(t testing.TB, url string, body any, headers map[string]string) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// TestIdempotencyAcrossAPIs sends the same Idempotency-Key to two API servers at once: one
// execution, the same id everywhere; a different request with that key is refused.
func TestIdempotencyAcrossAPIs(t *testing.T) {
	t.Parallel()
	env := distributedEnv(t)
	apis := []*proc{start(t, "api", env...), start(t, "api", env...)}
	start(t, "worker", env...)
	session := newSession(t, apis[0].URL, "python", "print('once')")
	key := map[string]string{"Idempotency-Key": "retry-" + session}
	body := map[string]any{"sessionId": session, "language": "python", "code": "print('once')"}

	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, out := post(t, apis[i%2].URL+"/executions", body, key)
			if code != 202 {
				t.Errorf("attempt %d: %d %v", i, code, out)
				return
			}
			ids[i], _ = out["executionId"].(string)
		}()
	}
	wg.Wait()
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Fatalf("one key gave several executions: %v", ids)
		}
	}
	var page struct {
		Executions []struct{ ID string } `json:"executions"`
	}
	call(t, "GET", apis[1].URL+"/code-sessions/"+session+"/executions", nil, &page)
	if len(page.Executions) != 1 {
		t.Errorf("session has %d executions, want 1", len(page.Executions))
	}
	body["code"] = "print('twice')"
	if code, out := post(t, apis[1].URL+"/executions", body, key); code != 422 {
		t.Errorf("same key, other request: %d %v, want 422", code, out)
	}
}

// TestDeadLetter breaks the worker's toolchain (an infrastructure failure): the job is retried,
// ends in the dead-letter set, the execution ends FAILED internal, and operators see the job
// through the CLI and the admin API.
func TestDeadLetter(t *testing.T) {
	t.Parallel()
	env := append(distributedEnv(t), "ADMIN_TOKEN=s3cret")
	langs := t.TempDir()
	broken := `{"id":"python","name":"Python 3","source_file":"main.py","run":["/nonexistent/python3","main.py"]}`
	if err := os.WriteFile(filepath.Join(langs, "python.json"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	api := start(t, "api", env...)
	start(t, "worker", append(env, "LANGUAGES_DIR="+langs)...)
	id := run(t, api.URL, newSession(t, api.URL, "python", "print('never')"), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if e := await(ctx, t, api.URL, id); e.Status != "FAILED" || e.Reason != "internal" || e.Attempts != 3 {
		t.Fatalf("execution: %+v, want FAILED internal after 3 attempts", e)
	}

	// The job reaches the dead-letter set just after its last failure is recorded.
	var dead struct {
		Jobs []struct {
			ID          string `json:"id"`
			ExecutionID string `json:"execution_id"`
		} `json:"jobs"`
	}
	auth := map[string]string{"Authorization": "Bearer s3cret"}
	// Three attempts with backoff (1 s, 2 s) first: generous for a slow, loaded host.
	testsvc.Eventually(t, 60*time.Second, "a dead job listed", func() bool {
		req, _ := http.NewRequest("GET", api.URL+"/admin/jobs/dead", nil)
		req.Header.Set("Authorization", auth["Authorization"])
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&dead)
		resp.Body.Close()
		return len(dead.Jobs) > 0
	})
	if dead.Jobs[0].ExecutionID != id {
		t.Errorf("dead job for %s, want %s", dead.Jobs[0].ExecutionID, id)
	}
	if code := call(t, "GET", api.URL+"/admin/jobs/dead", nil, nil); code != 401 {
		t.Errorf("admin without the token: %d, want 401", code)
	}

	cli := exec.Command(binary, "jobs", "dead")
	cli.Env = append(os.Environ(), env...)
	out, err := cli.CombinedOutput()
	if err != nil || !strings.Contains(string(out), id) {
		t.Errorf("livecode jobs dead: %v\n%s", err, out)
	}
	// The execution has ended: its job would not run it again, so requeuing it is refused.
	if code, out := post(t, api.URL+"/admin/jobs/"+dead.Jobs[0].ID+"/requeue", nil, auth); code != 409 {
		t.Errorf("requeue of an ended execution's job: %d %v, want 409", code, out)
	}
	if code, _ := post(t, api.URL+"/admin/jobs/no-such-job/requeue", nil, auth); code != 404 {
		t.Errorf("requeue of an unknown job: %d, want 404", code)
	}
	if e := await(ctx, t, api.URL, id); e.Status != "FAILED" || e.Reason != "internal" {
		t.Errorf("after requeue: %+v", e)
	}
}

// TestMetrics checks the operators' view on an api and a worker process.
func TestMetrics(t *testing.T) {
	t.Parallel()
	env := distributedEnv(t)
	api := start(t, "api", env...)
	worker := start(t, "worker", append(env, "WORKERS=3")...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	await(ctx, t, api.URL, run(t, api.URL, newSession(t, api.URL, "python", "print(1)"), nil))
	// A cancelled run counts too.
	slow := run(t, api.URL, newSession(t, api.URL, "python", "import time\ntime.sleep(30)"), nil)
	awaitStatus(t, api.URL, slow, "RUNNING")
	if code := call(t, "POST", api.URL+"/executions/"+slow+"/cancel", nil, nil); code != 202 {
		t.Fatalf("cancel: %d", code)
	}

	text := func(p *proc) string {
		resp, err := client.Get(p.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	var w string
	// The worker stops the cancelled run just after the API records it; a run's stages are
	// reported once its teardown is over, after its result. The checks below say what is missing.
	testsvc.Within(10*time.Second, func() bool {
		w = text(worker)
		return strings.Contains(w, `status="CANCELLED"`) && strings.Contains(w, `livecode_run_stage_seconds_count{stage="teardown"} 2`)
	})
	for _, want := range []string{
		`livecode_executions_total{language="python",reason="cancelled",status="CANCELLED"} 1`,
		`livecode_executions_total{language="python",reason="",status="COMPLETED"} 1`,
		"livecode_queue_wait_seconds_count 2", "livecode_run_duration_seconds_count", "livecode_worker_slots_busy 0",
		"livecode_worker_slots_idle 3", "livecode_queue_depth 0", "livecode_dead_jobs 0",
		"livecode_sandbox_failures_total 0", "livecode_job_retries_total 0",
		`livecode_run_stage_seconds_count{stage="program"} 2`, `livecode_run_stage_seconds_count{stage="hold"} 2`,
		`livecode_run_stage_seconds_count{stage="result_store"} 1`, `livecode_run_stage_seconds_count{stage="claim"}`,
	} {
		if !strings.Contains(w, want) {
			t.Errorf("worker /metrics lacks %q", want)
		}
	}
	if a := text(api); !strings.Contains(a, "livecode_queue_depth") {
		t.Errorf("api /metrics lacks the queue depth")
	}
	if code := call(t, "GET", worker.URL+"/readyz", nil, nil); code != 200 {
		t.Errorf("worker /readyz: %d", code)
	}
	if code := call(t, "GET", worker.URL+"/code-sessions/x", nil, nil); code != 404 {
		t.Errorf("worker serves the API: %d, want 404", code)
	}
}

// TestCommandLine runs the one-shot subcommands as an operator would.
func TestCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := func(stdin string, args ...string) (string, int) {
		c := exec.Command(binary, args...)
		c.Dir = dir
		c.Env = append(os.Environ(), "DATABASE_URL=sqlite:"+filepath.Join(dir, "db.sqlite"))
		c.Stdin = strings.NewReader(stdin)
		out, _ := c.CombinedOutput()
		return string(out), c.ProcessState.ExitCode()
	}
	if out, code := cmd("", "version"); code != 0 || !strings.HasPrefix(out, "livecode ") {
		t.Errorf("version: %d %q", code, out)
	}
	if out, code := cmd("", "migrate"); code != 0 {
		t.Errorf("migrate: %d %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "db.sqlite")); err != nil {
		t.Errorf("migrate made no database: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "hello.py"), []byte("import sys\nprint('hi', sys.stdin.read())\n"), 0o644)
	if out, code := cmd("", "run", "hello.py", "--stdin", "there"); code != 0 || !strings.HasPrefix(out, "hi there\n") || !strings.Contains(out, "COMPLETED") {
		t.Errorf("run hello.py: %d %q", code, out)
	}
	os.WriteFile(filepath.Join(dir, "fail.sh"), []byte("exit 4\n"), 0o644)
	if out, code := cmd("", "run", "fail.sh"); code != 1 || !strings.Contains(out, "exit_code=4") {
		t.Errorf("run fail.sh: %d %q", code, out)
	}
	if _, code := cmd("", "bogus"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}
