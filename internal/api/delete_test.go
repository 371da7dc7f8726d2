// Tests of deletion on request: DELETE /executions/{id} and DELETE /code-sessions/{id}?purge=true.

package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"livecode/internal/execution"
)

// end ends an execution CANCELLED in the store, as a finished run.
func (b *bundle) end(t *testing.T, id string) {
	t.Helper()
	if ok, err := b.store.Abort(context.Background(), id, execution.StatusCancelled, execution.ReasonCancelled, time.Now()); err != nil || !ok {
		t.Fatalf("Abort: ok=%v err=%v", ok, err)
	}
}

func TestDeleteExecution(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys)
	sid := b.ownSession(t, aliceKey)
	eid := b.ownRun(t, aliceKey, sid).want(t, http.StatusAccepted).str("execution_id")

	r := b.do(t, "DELETE", "/executions/"+eid, nil, bearer(aliceKey)...).want(t, http.StatusConflict)
	if r.str("request_id") == "" {
		t.Errorf("problem without request_id: %s", r.raw)
	}
	b.end(t, eid)
	b.do(t, "DELETE", "/executions/"+eid, nil, bearer(bobKey)...).want(t, http.StatusNotFound)
	b.do(t, "GET", "/executions/"+eid, nil, bearer(aliceKey)...).want(t, http.StatusOK)
	if r := b.do(t, "DELETE", "/executions/"+eid, nil, bearer(aliceKey)...).want(t, http.StatusNoContent); len(r.raw) != 0 {
		t.Errorf("204 with a body: %s", r.raw)
	}
	b.do(t, "GET", "/executions/"+eid, nil, bearer(aliceKey)...).want(t, http.StatusNotFound)
	b.do(t, "DELETE", "/executions/"+eid, nil, bearer(aliceKey)...).want(t, http.StatusNotFound)
	b.do(t, "GET", "/code-sessions/"+sid, nil, bearer(aliceKey)...).want(t, http.StatusOK)
}

func TestPurgeSession(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys)
	sid := b.ownSession(t, aliceKey)
	eid := b.ownRun(t, aliceKey, sid).want(t, http.StatusAccepted).str("execution_id")

	r := b.do(t, "DELETE", "/code-sessions/"+sid+"?purge=true", nil, bearer(aliceKey)...).want(t, http.StatusConflict)
	if r.str("execution_id") != eid {
		t.Errorf("409 names %q, want the active execution %s", r.str("execution_id"), eid)
	}
	b.end(t, eid)
	b.do(t, "DELETE", "/code-sessions/"+sid+"?purge=true", nil, bearer(bobKey)...).want(t, http.StatusNotFound)
	b.do(t, "DELETE", "/code-sessions/"+sid+"?purge=true", nil, bearer(aliceKey)...).want(t, http.StatusNoContent)
	b.do(t, "GET", "/code-sessions/"+sid, nil, bearer(aliceKey)...).want(t, http.StatusNotFound)
	b.do(t, "GET", "/executions/"+eid, nil, bearer(aliceKey)...).want(t, http.StatusNotFound)

	// Without purge, DELETE still closes and answers the session.
	other := b.ownSession(t, aliceKey)
	if r := b.do(t, "DELETE", "/code-sessions/"+other, nil, bearer(aliceKey)...).want(t, http.StatusOK); r.str("status") != "CLOSED" {
		t.Errorf("close answered %s", r.raw)
	}
}

func TestDeleteResponsesDocumented(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := b.do(t, "GET", "/openapi.json", nil).want(t, http.StatusOK).body
	paths, _ := doc["paths"].(map[string]any)
	for path, codes := range map[string][]string{
		"/code-sessions/{id}": {"200", "204", "404", "409"},
		"/executions/{id}":    {"204", "404", "409"},
	} {
		op, _ := paths[path].(map[string]any)["delete"].(map[string]any)
		responses, _ := op["responses"].(map[string]any)
		for _, c := range codes {
			if _, ok := responses[c]; !ok {
				t.Errorf("DELETE %s: no %s response documented; has %v", path, c, responses)
			}
		}
	}
}
