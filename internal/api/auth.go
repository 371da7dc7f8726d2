// Authentication: API keys from API_KEYS, checked in constant time before any endpoint but the open ones.

package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"livecode/internal/config"
	"livecode/internal/web"
)

// keyring holds the API keys' names by the SHA-256 of their secrets. Empty means
// authentication is off and every request acts as owner "".
type keyring struct {
	keys []hashedKey
}

type hashedKey struct {
	name string
	hash [sha256.Size]byte
}

func newKeyring(keys []config.APIKey) keyring {
	var k keyring
	for _, key := range keys {
		k.keys = append(k.keys, hashedKey{name: key.Name, hash: sha256.Sum256([]byte(key.Secret))})
	}
	return k
}

func (k keyring) enabled() bool { return len(k.keys) > 0 }

// lookup returns the name of the key whose secret this is. It compares the secret's hash with
// every key's, in constant time, so neither the secret's length nor which key matched leaks.
func (k keyring) lookup(secret string) (string, bool) {
	got := sha256.Sum256([]byte(secret))
	name, found := "", 0
	for _, key := range k.keys {
		match := subtle.ConstantTimeCompare(got[:], key.hash[:])
		if match == 1 {
			name = key.name
		}
		found |= match
	}
	return name, found == 1
}

type ownerKey struct{}

// ownerOf is the name of the key that authenticated the request; "" when authentication is off.
func ownerOf(ctx context.Context) string {
	name, _ := ctx.Value(ownerKey{}).(string)
	return name
}

// openPath reports whether a path is served without an API key: health, metrics, the API's
// description, its Swagger UI and the playground page (which holds no data: its API calls need
// the key); /admin/* checks ADMIN_TOKEN itself.
func openPath(path string) bool {
	switch {
	case path == "/healthz", path == "/readyz", path == "/metrics", path == "/api", path == "/":
		return true
	}
	for _, p := range []string{"/openapi.", "/openapi-", "/api/", "/admin/", "/s/", web.AssetPrefix} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// streamingPath reports whether a path is a live stream, which browsers open with EventSource
// or WebSocket: those cannot set headers, so the key may come as ?access_token=.
func streamingPath(r *http.Request) bool {
	return r.Method == http.MethodGet && (strings.HasSuffix(r.URL.Path, "/events") || strings.HasSuffix(r.URL.Path, "/ws"))
}

// authenticate refuses requests without a valid API key with 401 and passes the key's name on
// in the request's context. With no keys configured it lets everything through.
func (s *server) authenticate(next http.Handler) http.Handler {
	if !s.keys.enabled() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if openPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		secret, why := credential(r)
		name, ok := "", false
		if why == "" {
			if name, ok = s.keys.lookup(secret); !ok {
				why = "the API key is not valid"
			}
		}
		if !ok {
			p := newProblem(http.StatusUnauthorized, why)
			w.Header().Set("WWW-Authenticate", `Bearer realm="livecode"`)
			writeProblem(w, r, p)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ownerKey{}, name)))
	})
}

// credential finds the secret a request presents: Authorization: Bearer, X-API-Key, Judge0's
// X-Auth-Token under /judge0/, or for a stream ?access_token=. why explains a missing or
// malformed one.
func credential(r *http.Request) (secret, why string) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		token = strings.TrimSpace(token)
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			return "", "the Authorization header must be Bearer <API key>"
		}
		return token, ""
	}
	if k := r.Header.Get("X-API-Key"); k != "" {
		return strings.TrimSpace(k), ""
	}
	if k := r.Header.Get("X-Auth-Token"); k != "" && strings.HasPrefix(r.URL.Path, judge0Prefix+"/") {
		return strings.TrimSpace(k), ""
	}
	if streamingPath(r) {
		if t := r.URL.Query().Get("access_token"); t != "" {
			return t, ""
		}
	}
	return "", "an API key is required: send Authorization: Bearer <API key>"
}

// The OpenAPI security schemes of an API key.
const (
	apiKeyBearer = "apiKey"
	apiKeyHeader = "apiKeyHeader"
)

// secure declares in the OpenAPI document that op needs an API key (either scheme), when keys
// are configured and op is not one of the open endpoints.
func (s *server) secure(op *huma.Operation) {
	if !s.keys.enabled() || op.Security != nil || openPath(op.Path) {
		return
	}
	op.Security = []map[string][]string{{apiKeyBearer: {}}, {apiKeyHeader: {}}}
	op.Errors = append(op.Errors, http.StatusUnauthorized)
}
