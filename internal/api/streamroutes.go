// Streaming routes: plain net/http handlers beside huma, documented in the OpenAPI document.

package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

const eventsDoc = "Server-Sent Events. Each event has `id:` (its sequence number in the stream), `event:` (status, " +
	"stdout, stderr, result, gap, dropped) and `data:` (JSON). Reconnect with the `Last-Event-ID` header or " +
	"`?last_event_id=` to get only what was missed. A comment is sent every 15 s on a quiet stream."

// streamRoutes registers the live-output endpoints on mux and describes them in the OpenAPI
// document (huma does not serve them: they hold their connection open).
func (s *server) streamRoutes(mux *http.ServeMux, api huma.API) {
	mux.HandleFunc("GET /executions/{id}/events", s.executionEvents)
	mux.HandleFunc("GET /executions/{id}/ws", s.executionSocket)
	mux.HandleFunc("GET /code-sessions/{id}/events", s.sessionEvents)

	oapi := api.OpenAPI()
	idParam := func(what string) *huma.Param {
		return &huma.Param{Name: "id", In: "path", Required: true, Description: what + " id", Schema: &huma.Schema{Type: "string"}}
	}
	cursor := []*huma.Param{
		{Name: "Last-Event-ID", In: "header", Description: "Resume after this event id", Schema: &huma.Schema{Type: "integer"}},
		{Name: "last_event_id", In: "query", Description: "Resume after this event id (when the header cannot be set)", Schema: &huma.Schema{Type: "integer"}},
	}
	sse := map[string]*huma.Response{
		"200": {Description: eventsDoc, Content: map[string]*huma.MediaType{"text/event-stream": {Schema: &huma.Schema{Type: "string"}}}},
		"400": {Description: "Bad event id"},
		"404": {Description: "Not found"},
	}
	oapi.AddOperation(&huma.Operation{OperationID: "execution-events", Method: http.MethodGet, Path: "/executions/{id}/events",
		Summary: "Stream an execution's status, output and result (SSE)", Tags: []string{"live"},
		Description: "Ends with the `result` event, whose data is the document GET /executions/{id} returns.",
		Parameters:  append([]*huma.Param{idParam("Execution")}, cursor...), Responses: sse})
	oapi.AddOperation(&huma.Operation{OperationID: "session-events", Method: http.MethodGet, Path: "/code-sessions/{id}/events",
		Summary: "Stream the events of every execution of a session (SSE)", Tags: []string{"live"},
		Description: "Output chunks carry `execution_id`; the stream does not end by itself.",
		Parameters:  append([]*huma.Param{idParam("Session")}, cursor...), Responses: sse})
	oapi.AddOperation(&huma.Operation{OperationID: "execution-socket", Method: http.MethodGet, Path: "/executions/{id}/ws",
		Summary: "Interactive WebSocket: live events out, stdin and cancel in", Tags: []string{"live"},
		Description: "Server messages: `{\"seq\":N,\"type\":\"stdout\",\"data\":{...}}`, the same events as SSE, and " +
			"`{\"seq\":0,\"type\":\"error\",\"data\":{\"detail\":\"...\"}}` about a refused client message. Client messages: " +
			"`{\"type\":\"stdin\",\"data\":\"text\"}`, `{\"type\":\"close_stdin\"}`, `{\"type\":\"cancel\"}`. " +
			"Stdin messages reach runs queued with `\"interactive\": true`.",
		Parameters: []*huma.Param{idParam("Execution"), cursor[1]},
		Responses: map[string]*huma.Response{"101": {Description: "Switching to the WebSocket protocol"},
			"404": {Description: "Not found"}}})
	if s.keys.enabled() {
		token := &huma.Param{Name: "access_token", In: "query", Schema: &huma.Schema{Type: "string"},
			Description: "The API key's secret, for clients that cannot set headers (EventSource, WebSocket)"}
		for _, path := range []string{"/executions/{id}/events", "/code-sessions/{id}/events", "/executions/{id}/ws"} {
			op := oapi.Paths[path].Get
			s.secure(op)
			op.Parameters = append(op.Parameters, token)
			op.Responses["401"] = &huma.Response{Description: "Missing or invalid API key"}
		}
	}
}
