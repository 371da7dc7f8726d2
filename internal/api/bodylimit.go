// Body limit at the door: a declared Content-Length over MAX_BODY_BYTES is refused before any of the body is read.

package api

import (
	"fmt"
	"net/http"
)

// refuseLargeBodies answers 413 to a request whose Content-Length is over the limit without
// reading its body. With Expect: 100-continue the server then never asks for the body, so the
// client gets the 413 rather than a reset connection. Bodies of unknown length are still cut
// off at the limit by the operations' own MaxBodyBytes.
func refuseLargeBodies(limit int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > int64(limit) {
			w.Header().Set("Connection", "close")
			writeProblem(w, r, newProblem(http.StatusRequestEntityTooLarge,
				fmt.Sprintf("the request body is larger than the limit of %d bytes", limit)))
			return
		}
		next.ServeHTTP(w, r)
	})
}
