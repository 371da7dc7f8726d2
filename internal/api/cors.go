// CORS: which browser origins may call the API (CORS_ORIGINS), for fetch, EventSource and WebSocket.

package api

import (
	"net/http"
	"strings"
)

const (
	corsMethods = "GET, POST, PATCH, DELETE"
	// what a client sends: the API key, JSON bodies, idempotency and the stream cursor
	corsHeaders = "Authorization, X-API-Key, Content-Type, Idempotency-Key, Last-Event-ID, If-Match"
	// what a client reads beyond the CORS-safelisted headers
	corsExposed = "Location, Retry-After, ETag"
	corsMaxAge  = "600"
)

// originSet holds the origins of CORS_ORIGINS, lower-cased.
type originSet map[string]bool

func newOriginSet(origins []string) originSet {
	set := originSet{}
	for _, o := range origins {
		set[strings.ToLower(o)] = true
	}
	return set
}

// cors answers preflights and marks answers readable by the allowed origins. The API takes no
// cookies (keys travel in headers), so credentials are never allowed: a page must send its key
// itself, and no other site can borrow a visitor's. Requests from other origins pass unmarked,
// so the browser keeps their answers from the page.
func (s *server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || !s.origins[strings.ToLower(origin)] {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Allow-Origin", origin)
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", corsHeaders)
			h.Set("Access-Control-Max-Age", corsMaxAge)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", corsExposed)
		next.ServeHTTP(w, r)
	})
}

// socketOrigins are the patterns a WebSocket upgrade's Origin must match, besides the API's own
// host: the allowed origins, matched whole (scheme and host).
func (s *server) socketOrigins() []string {
	patterns := make([]string, 0, len(s.origins))
	for o := range s.origins {
		patterns = append(patterns, o) // Origins refused pattern characters: each matches itself only
	}
	return patterns
}
