// Routes: the whole HTTP surface of livecode in one place.

package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"livecode/internal/api/swaggerui"
	"livecode/internal/web"
)

// routes registers every endpoint of an `api` or `serve` process.
func (s *server) routes(mux *http.ServeMux) {
	api := s.humaAPI(mux, "/openapi")
	const sessions, tag = "/code-sessions", "sessions"

	register(s, api, huma.Operation{OperationID: "create-session", Method: http.MethodPost, Path: sessions,
		Summary: "Create a code session", Tags: []string{tag}, DefaultStatus: http.StatusCreated,
		Errors: []int{400, 413, 422}}, s.createSession)
	register(s, api, huma.Operation{OperationID: "list-sessions", Method: http.MethodGet, Path: sessions,
		Summary: "List the caller's sessions, newest first", Tags: []string{tag}, Errors: []int{400, 422}}, s.listSessions)
	register(s, api, huma.Operation{OperationID: "get-session", Method: http.MethodGet, Path: sessions + "/{id}",
		Summary: "Get a session and its latest execution", Tags: []string{tag}, Errors: []int{404}}, s.getSession)
	register(s, api, huma.Operation{OperationID: "autosave-session", Method: http.MethodPatch, Path: sessions + "/{id}",
		Summary: "Autosave a session's code or language", Tags: []string{tag},
		Errors: []int{400, 404, 409, 412, 413, 422}}, s.patchSession)
	register(s, api, huma.Operation{OperationID: "close-session", Method: http.MethodDelete, Path: sessions + "/{id}",
		Summary: "Close a session (later edits and runs get 409), or delete it with ?purge=true", Tags: []string{tag},
		Responses: map[string]*huma.Response{"204": {Description: "Purged: the session and its executions are gone"}},
		Errors:    []int{404, 409}}, s.closeSession)
	register(s, api, huma.Operation{OperationID: "run-session", Method: http.MethodPost, Path: sessions + "/{id}/run",
		Summary: "Queue a run of the session's current code", Tags: []string{"executions"}, DefaultStatus: http.StatusAccepted,
		Errors: []int{400, 404, 409, 413, 422, 429, 503}}, s.runSession)
	register(s, api, huma.Operation{OperationID: "list-session-executions", Method: http.MethodGet, Path: sessions + "/{id}/executions",
		Summary: "List a session's executions, newest first", Tags: []string{"executions"}, Errors: []int{400, 404}}, s.listExecutions)

	register(s, api, huma.Operation{OperationID: "submit-execution", Method: http.MethodPost, Path: "/executions",
		Summary: "Save code to a session and queue a run of it", Tags: []string{"executions"}, DefaultStatus: http.StatusAccepted,
		Errors: []int{400, 404, 409, 413, 422, 429, 503}}, s.submitExecution)
	register(s, api, huma.Operation{OperationID: "run-once", Method: http.MethodPost, Path: "/run",
		Summary: "Run a program without a session; 200 with the result if it ends within wait_ms, else 202", Tags: []string{"executions"},
		Responses: map[string]*huma.Response{"202": {Description: "The run did not end within wait_ms: the execution so far; poll or stream it"}},
		Errors:    []int{400, 413, 422, 429, 503}}, s.runOnce)
	register(s, api, huma.Operation{OperationID: "run-batch", Method: http.MethodPost, Path: "/runs/batch",
		Summary: "Queue many one-call runs, each admitted or refused on its own", Tags: []string{"executions"},
		Errors: []int{400, 413, 422}}, s.runBatch)
	register(s, api, huma.Operation{OperationID: "read-executions", Method: http.MethodGet, Path: "/executions",
		Summary: "Read many executions by id", Tags: []string{"executions"}, Errors: []int{400, 422}}, s.readMany)
	register(s, api, huma.Operation{OperationID: "get-execution", Method: http.MethodGet, Path: "/executions/{id}",
		Summary: "Get an execution and its result", Tags: []string{"executions"}, Errors: []int{404}}, s.getExecution)
	register(s, api, huma.Operation{OperationID: "delete-execution", Method: http.MethodDelete, Path: "/executions/{id}",
		Summary: "Delete a finished execution and its output", Tags: []string{"executions"}, DefaultStatus: http.StatusNoContent,
		Errors: []int{404, 409}}, s.deleteExecution)
	register(s, api, huma.Operation{OperationID: "list-execution-deliveries", Method: http.MethodGet, Path: "/executions/{id}/deliveries",
		Summary: "The webhook delivery of an execution run with a callback_url", Tags: []string{"executions"}, Errors: []int{404}}, s.listDeliveries)
	register(s, api, huma.Operation{OperationID: "cancel-execution", Method: http.MethodPost, Path: "/executions/{id}/cancel", Summary: "Cancel a queued or running execution; it ends CANCELLED", Tags: []string{"executions"}, DefaultStatus: http.StatusAccepted, Errors: []int{404, 409}}, s.cancelExecution)
	s.streamRoutes(mux, api)
	s.pistonRoutes(mux)
	s.judge0Routes(mux)
	register(s, api, huma.Operation{OperationID: "list-languages", Method: http.MethodGet, Path: "/languages",
		Summary: "List languages", Tags: []string{"languages"}}, s.listLanguages)

	s.registerHealth(api)

	if s.cfg.AdminToken != "" {
		security := []map[string][]string{{"bearer": {}}}
		register(s, api, huma.Operation{OperationID: "list-dead-jobs", Method: http.MethodGet, Path: "/admin/jobs/dead",
			Summary: "List jobs that failed for good", Tags: []string{"admin"}, Security: security,
			Errors: []int{401, 503}}, s.deadJobs)
		register(s, api, huma.Operation{OperationID: "requeue-dead-job", Method: http.MethodPost, Path: "/admin/jobs/{id}/requeue",
			Summary: "Move a dead job back to the queue", Tags: []string{"admin"}, Security: security,
			Errors: []int{401, 404, 503}}, s.requeueJob)
	}

	if s.cfg.SwaggerEnable {
		ui := swaggerui.Handler("/api")
		mux.Handle("GET /api", ui)
		mux.Handle("GET /api/", ui)
	}
	web.Register(mux)
	s.extraRoutes(mux)
}

// healthRoutes registers the only endpoints of a `worker` process.
func (s *server) healthRoutes(mux *http.ServeMux) {
	s.registerHealth(s.humaAPI(mux, ""))
	s.extraRoutes(mux)
}

func (s *server) registerHealth(api huma.API) {
	register(s, api, huma.Operation{OperationID: "healthz", Method: http.MethodGet, Path: "/healthz",
		Summary: "Liveness", Tags: []string{"health"}}, s.healthz)
	register(s, api, huma.Operation{OperationID: "readyz", Method: http.MethodGet, Path: "/readyz",
		Summary: "Readiness: database and queue reachable", Tags: []string{"health"}, Errors: []int{503}}, s.readyz)
}

// extraRoutes adds /metrics and answers unknown paths with a problem document.
func (s *server) extraRoutes(mux *http.ServeMux) {
	if s.deps.Metrics != nil {
		mux.Handle("GET /metrics", s.metricsGate(s.deps.Metrics))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowed(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeProblem(w, r, newProblem(http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path))
			return
		}
		writeProblem(w, r, newProblem(http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path))
	})
}

// metricsGate requires METRICS_TOKEN as a bearer token on /metrics when it is set.
func (s *server) metricsGate(next http.Handler) http.Handler {
	if s.cfg.MetricsToken == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !bearerIs(r.Header.Get("Authorization"), s.cfg.MetricsToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="livecode-metrics"`)
			writeProblem(w, r, newProblem(http.StatusUnauthorized, "a valid metrics bearer token is required"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// allowed lists the methods mux serves r's path with. The catch-all "/" takes every method,
// which hides the mux's own 405, so the fallback asks the mux again for each method.
func allowed(mux *http.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := *r
		probe.Method = m
		if _, pattern := mux.Handler(&probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	return allow
}

// humaAPI creates the huma API on mux; openAPIPath "" serves no OpenAPI document.
func (s *server) humaAPI(mux *http.ServeMux, openAPIPath string) huma.API {
	c := huma.DefaultConfig("livecode", s.cfg.Version)
	c.Info.Description = "Runs untrusted code for live coding sessions. Errors are RFC 9457 problem documents."
	c.OpenAPIPath = openAPIPath
	c.DocsPath = ""    // the embedded Swagger UI at /api replaces huma's CDN-loaded docs
	c.SchemasPath = "" // no $schema links in responses
	c.CreateHooks = nil
	c.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "ADMIN_TOKEN"},
	}
	if s.keys.enabled() {
		c.Components.SecuritySchemes[apiKeyBearer] = &huma.SecurityScheme{Type: "http", Scheme: "bearer",
			Description: "An API key's secret (API_KEYS), as Authorization: Bearer <secret>"}
		c.Components.SecuritySchemes[apiKeyHeader] = &huma.SecurityScheme{Type: "apiKey", In: "header", Name: "X-API-Key",
			Description: "An API key's secret (API_KEYS), as X-API-Key: <secret>"}
	}
	c.Transformers = append(c.Transformers, fixErrors)
	a := &fastAdapter{Adapter: humago.NewAdapter(mux, ""), mux: mux, paths: s.fastPaths()}
	a.api = huma.NewAPI(c, a)
	return a.api
}

// register adds an operation whose errors all pass through toHTTP, with the body limit applied.
func register[I, O any](s *server, api huma.API, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	// huma refuses a body that reaches MaxBodyBytes; +1 lets one of exactly MaxBodyBytes through.
	op.MaxBodyBytes = int64(s.cfg.MaxBodyBytes) + 1
	s.secure(&op)
	name := op.OperationID
	huma.Register(api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, s.toHTTP(ctx, name, err)
		}
		return out, nil
	})
}
