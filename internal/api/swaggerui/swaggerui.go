// Package swaggerui serves the Swagger UI from assets embedded in the binary (swagger-ui-dist 5.35.0),
// so the API's documentation works with no internet access.

package swaggerui

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed dist
var assets embed.FS

// Handler serves the UI's page at prefix and its assets under prefix+"/". The page loads the
// OpenAPI document from /openapi.json.
func Handler(prefix string) http.Handler {
	dist, _ := fs.Sub(assets, "dist") // cannot fail: "dist" is embedded above
	index, _ := fs.ReadFile(dist, "index.html")
	files := http.StripPrefix(prefix+"/", http.FileServerFS(dist))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == prefix || r.URL.Path == prefix+"/" || r.URL.Path == prefix+"/index.html" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			_, _ = w.Write(index)
			return
		}
		files.ServeHTTP(w, r)
	})
}
