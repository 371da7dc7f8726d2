// Test setup: the API over a real SQLite store and in-process queue, served by a real HTTP server.

package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"livecode/internal/api"
	"livecode/internal/config"
	"livecode/internal/event"
	"livecode/internal/execution"
	"livecode/internal/language"
	"livecode/internal/queue"
	"livecode/internal/queue/memqueue"
	"livecode/internal/store/sqlite"
	"livecode/internal/stream/memstream"
	"livecode/internal/testsvc"
)

// languages is a fixed language registry.
type languages map[string]language.Language

func (l languages) Lookup(id string) (language.Language, bool) { v, ok := l[id]; return v, ok }

func (l languages) List() []language.Language {
	out := make([]language.Language, 0, len(l))
	for _, v := range l {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b language.Language) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func testLanguages() languages {
	return languages{
		"python":     {ID: "python", Name: "Python", Version: "3.11", SourceFile: "main.py", Run: []string{"python3", "main.py"}, Available: true},
		"javascript": {ID: "javascript", Name: "JavaScript", SourceFile: "main.js", Available: true, Limits: execution.Limits{TimeLimitMS: 7000}},
		"cobol":      {ID: "cobol", Name: "COBOL", SourceFile: "main.cob", Available: false},
	}
}

// bundle is one API under test.
type bundle struct {
	cfg   api.Config
	url   string
	store *sqlite.Store
	queue *memqueue.Queue
}

// option changes the configuration or dependencies of a bundle before it starts.
type option func(c *api.Config, d *api.Deps)

// setup starts the API on a temporary database with the default configuration, changed by opts.
func setup(t testing.TB, opts ...option) *bundle {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "livecode.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	base, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	cfg := api.Config{Config: base, Version: "test"}
	q := memqueue.New(memqueue.Config{Capacity: 1000})
	t.Cleanup(func() { q.Close() })
	deps := api.Deps{Store: st, Queue: q, Languages: testLanguages()}
	for _, o := range opts {
		o(&cfg, &deps)
	}
	if mq, ok := deps.Queue.(*memqueue.Queue); ok && mq != q {
		q = mq
		t.Cleanup(func() { q.Close() })
	}
	srv := httptest.NewServer(api.New(deps, cfg))
	t.Cleanup(srv.Close)
	return &bundle{cfg: cfg, url: srv.URL, store: st, queue: q}
}

// response is an HTTP answer with its JSON body decoded.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// do sends a request; body is sent as is when it is a string, else as JSON. headers are pairs.
func (b *bundle) do(t testing.TB, method, path string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	case []byte:
		rd = bytes.NewReader(v)
	default:
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, b.url+path, rd)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	r := response{status: res.StatusCode, header: res.Header, raw: raw}
	if strings.Contains(res.Header.Get("Content-Type"), "json") && len(raw) > 0 && !bytes.HasPrefix(raw, []byte("[")) {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, path, raw, err)
		}
	}
	return r
}

// want fails the test unless the response has the given status.
func (r response) want(t testing.TB, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.raw)
	}
	return r
}

// str returns a string field of the body.
func (r response) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

// locations lists errors[].location of a problem document.
func (r response) locations() []string {
	var out []string
	errs, _ := r.body["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok {
			loc, _ := m["location"].(string)
			out = append(out, loc)
		}
	}
	return out
}

// newSession creates a session and returns its id.
func (b *bundle) newSession(t testing.TB, code string) string {
	t.Helper()
	r := b.do(t, "POST", "/code-sessions", map[string]any{"language": "python", "source_code": code}).want(t, http.StatusCreated)
	return r.str("session_id")
}

// work consumes the queue like a worker whose programs all print their stdin and exit 0.
func (b *bundle) work(t *testing.T) { b.workLive(t, nil, nil) }

// workLive is work that also publishes each result to br when it is not nil, as the real worker
// does; each run starts only once gate yields (nil: at once).
func (b *bundle) workLive(t *testing.T, br *memstream.Broker, gate <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = b.queue.Run(ctx, 2, func(ctx context.Context, d queue.Delivery) error {
			if gate != nil {
				select {
				case <-gate:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			e, ok, err := b.store.Claim(ctx, d.Job.ExecutionID, "test-worker", time.Now(), time.Minute)
			if err != nil || !ok {
				return err
			}
			zero, ms := 0, int64(3)
			out := "ran: " + e.Code + " stdin: " + e.Stdin
			if _, err = b.store.Finish(ctx, e.ID, "test-worker", e.Attempts, execution.Result{Status: execution.StatusCompleted,
				Stdout: out, Output: out, ExitCode: &zero, ExecutionTimeMS: &ms, CPUTimeMS: &ms}, time.Now()); err != nil || br == nil {
				return err
			}
			return event.PublishResult(ctx, br, b.store, e.ID)
		})
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// waitTerminal polls an execution until it is terminal.
func (b *bundle) waitTerminal(t *testing.T, id string) response {
	t.Helper()
	var r response
	testsvc.Eventually(t, 10*time.Second, "execution "+id+" terminal", func() bool {
		r = b.do(t, "GET", "/executions/"+id, nil).want(t, http.StatusOK)
		return execution.Status(r.str("status")).Terminal()
	})
	return r
}
