// Batches of one-call runs (POST /runs/batch) and reading many executions (GET /executions?ids=).

package api_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"livecode/internal/api"
)

func TestRunBatch(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxBatch = 3 })
	b.work(t)
	r := b.do(t, "POST", "/runs/batch", map[string]any{"runs": []map[string]any{
		{"language": "python", "code": "a"},
		{"language": "brainfuck", "code": "b"},
		{"language": "python", "code": "c", "stdin": "in"},
	}}).want(t, http.StatusOK)
	var got struct {
		Runs []struct {
			ExecutionID string `json:"execution_id"`
			Status      string `json:"status"`
			Problem     *struct {
				Status int `json:"status"`
				Errors []struct {
					Location string `json:"location"`
				} `json:"errors"`
			} `json:"problem"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(r.raw, &got); err != nil || len(got.Runs) != 3 {
		t.Fatalf("answer %s: %v", r.raw, err)
	}
	if got.Runs[0].ExecutionID == "" || got.Runs[0].Status != "QUEUED" || got.Runs[2].ExecutionID == "" {
		t.Errorf("admitted runs: %s", r.raw)
	}
	if p := got.Runs[1].Problem; p == nil || p.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Location != "body.runs[1].language" || got.Runs[1].ExecutionID != "" {
		t.Errorf("refused run: %s", r.raw)
	}
	first, third := got.Runs[0].ExecutionID, got.Runs[2].ExecutionID
	b.waitTerminal(t, first)
	b.waitTerminal(t, third)
	unknown := "01939c4e-0000-7000-8000-000000000000"
	many := b.do(t, "GET", "/executions?ids="+strings.Join([]string{third, unknown, first}, ","), nil).want(t, http.StatusOK)
	execs, _ := many.body["executions"].([]any)
	if len(execs) != 3 || execs[1] != nil {
		t.Fatalf("read many: %s", many.raw)
	}
	stdouts := []any{execs[0].(map[string]any)["stdout"], execs[2].(map[string]any)["stdout"]}
	if want := []any{"ran: c stdin: in", "ran: a stdin: "}; !reflect.DeepEqual(stdouts, want) {
		t.Errorf("read many stdout %v, want %v", stdouts, want)
	}
	b.do(t, "POST", "/runs/batch", map[string]any{"runs": []map[string]any{{}, {}, {}, {}}}).want(t, http.StatusUnprocessableEntity)
	b.do(t, "POST", "/runs/batch", map[string]any{"runs": []map[string]any{}}).want(t, http.StatusUnprocessableEntity)
	b.do(t, "GET", "/executions?ids=a,b,c,d", nil).want(t, http.StatusUnprocessableEntity)
}

// Quotas apply to each run of a batch; another key cannot read the batch's executions.
func TestRunBatchQuotaAndOwner(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys, func(c *api.Config, _ *api.Deps) { c.QuotaRunRateLimit = 1 })
	run := map[string]any{"language": "python", "code": "x"}
	r := b.do(t, "POST", "/runs/batch", map[string]any{"runs": []map[string]any{run, run}}, bearer(aliceKey)...).want(t, http.StatusOK)
	runs, _ := r.body["runs"].([]any)
	if len(runs) != 2 {
		t.Fatalf("answer %s", r.raw)
	}
	ok, refused := runs[0].(map[string]any), runs[1].(map[string]any)
	p, _ := refused["problem"].(map[string]any)
	if ok["execution_id"] == nil || p == nil || p["status"] != 429.0 {
		t.Errorf("batch past the quota: %s", r.raw)
	}
	id, _ := ok["execution_id"].(string)
	many := b.do(t, "GET", "/executions?ids="+id, nil, bearer(bobKey)...).want(t, http.StatusOK)
	if execs, _ := many.body["executions"].([]any); len(execs) != 1 || execs[0] != nil {
		t.Errorf("bob reads alice's execution: %s", many.raw)
	}
}
