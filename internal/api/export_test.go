// Internals the external tests reach: the API without its fast paths, and the strict decoder.

package api

import "net/http"

// NewSlow is New with every operation served by huma alone: the reference the fast paths
// must answer exactly like.
func NewSlow(d Deps, c Config) http.Handler {
	s := newServer(d, c)
	s.noFastPaths = true
	return s.handler()
}

// JSONStrings is jsonStrings.
var JSONStrings = jsonStrings
