// Moving an embedded installation to PostgreSQL: `livecode export` copies a real SQLite
// database into an isolated PostgreSQL database, and a server on PostgreSQL then answers every
// session and execution exactly as the SQLite server did; a second export changes nothing.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"livecode/internal/testsvc"
)

func TestExportToPostgres(t *testing.T) {
	t.Parallel()
	const secret = "alice-secret-0123456789"
	db := "DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "db.sqlite")
	common := []string{"API_KEYS=alice:" + secret, "MAX_ACTIVE_PER_SESSION=0", "RUN_RATE_LIMIT=0", "WORKERS=1", "SANDBOX_UID_BASE=92200"}
	auth := map[string]string{"Authorization": "Bearer " + secret}
	src := start(t, "serve", append(common, db)...)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	var sessions, executions []string
	for i := range 3 {
		code, s := post(t, src.URL+"/code-sessions", map[string]any{"language": "python", "source_code": fmt.Sprintf("print(%d)", i)}, auth)
		if code != 201 {
			t.Fatalf("create session: %d %v", code, s)
		}
		sid := s["session_id"].(string)
		sessions = append(sessions, sid)
		for j := range 2 {
			key := map[string]string{"Authorization": auth["Authorization"], "Idempotency-Key": fmt.Sprintf("k-%d-%d", i, j)}
			code, r := post(t, src.URL+"/code-sessions/"+sid+"/run", map[string]any{"stdin": strings.Repeat("x", j)}, key)
			if code != 202 {
				t.Fatalf("run: %d %v", code, r)
			}
			executions = append(executions, r["execution_id"].(string))
		}
	}
	for _, id := range executions {
		testsvc.Eventually(t, 60*time.Second, "execution "+id+" terminal", func() bool {
			return terminal(get(ctx, t, src.URL+"/executions/"+id, secret)["status"].(string))
		})
	}
	if code, _ := post(t, src.URL+"/code-sessions/"+sessions[2]+"/run", map[string]any{}, nil); code != 401 {
		t.Fatalf("run without a key: %d, want 401", code)
	}
	req, _ := http.NewRequest("DELETE", src.URL+"/code-sessions/"+sessions[2], nil)
	req.Header.Set("Authorization", auth["Authorization"])
	if resp, err := client.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("close session: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	before := snapshot(ctx, t, src.URL, secret, sessions, executions)
	if code := src.stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}

	pgURL := strings.TrimPrefix(distributedEnv(t)[0], "DATABASE_URL=")
	for round := range 2 { // the second run converges on the same rows
		out, err := exportCmd(t, db, pgURL)
		if err != nil {
			t.Fatalf("export round %d: %v\n%s", round, err, out)
		}
		for _, want := range []string{"sessions: 3 copied", "executions: 6 copied", "idempotency_keys: 6 copied"} {
			if !strings.Contains(out, want) {
				t.Errorf("export round %d printed %q, want %q", round, out, want)
			}
		}
		conn, err := pgx.Connect(ctx, pgURL)
		if err != nil {
			t.Fatal(err)
		}
		var ns, ne, nk int
		if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM executions),
			(SELECT count(*) FROM idempotency_keys)`).Scan(&ns, &ne, &nk); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
		if ns != 3 || ne != 6 || nk != 6 {
			t.Errorf("round %d: PostgreSQL has %d sessions, %d executions, %d keys; want 3, 6, 6", round, ns, ne, nk)
		}
	}

	dst := start(t, "serve", append(common, "DATABASE_URL="+pgURL)...)
	after := snapshot(ctx, t, dst.URL, secret, sessions, executions)
	for k, v := range before {
		if !reflect.DeepEqual(after[k], v) {
			t.Errorf("%s after the move:\n%v\nwant\n%v", k, after[k], v)
		}
	}
	// The keys moved with their executions: a replay answers the execution the SQLite server made.
	key := map[string]string{"Authorization": auth["Authorization"], "Idempotency-Key": "k-0-1"}
	if code, r := post(t, dst.URL+"/code-sessions/"+sessions[0]+"/run", map[string]any{"stdin": "x"}, key); code != 202 || r["execution_id"] != executions[1] {
		t.Errorf("replayed key on PostgreSQL: %d %v, want execution %s", code, r, executions[1])
	}
}

// exportCmd runs `livecode export pgURL` on the SQLite database of db.
func exportCmd(t *testing.T, db, pgURL string) (string, error) {
	t.Helper()
	cmd := exec.Command(binary, "export", pgURL)
	cmd.Dir = t.TempDir()
	cmd.Env = append(cmd.Environ(), db)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// snapshot reads every session and execution as the API shows them to their owner.
func snapshot(ctx context.Context, t *testing.T, base, secret string, sessions, executions []string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, id := range sessions {
		out["session "+id] = get(ctx, t, base+"/code-sessions/"+id, secret)
		out["executions of "+id] = get(ctx, t, base+"/code-sessions/"+id+"/executions", secret)
	}
	for _, id := range executions {
		out["execution "+id] = get(ctx, t, base+"/executions/"+id, secret)
	}
	return out
}

func get(ctx context.Context, t *testing.T, url, secret string) map[string]any {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if resp.StatusCode != 200 || json.Unmarshal(b, &m) != nil {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return m
}
