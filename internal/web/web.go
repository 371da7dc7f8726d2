// The playground's handlers: the page for / and /s/{id}, and its assets under /play/.

package web

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed dist
var assets embed.FS

// AssetPrefix is where the page's scripts and styles are served.
const AssetPrefix = "/play/"

// Register adds the playground's routes to mux: the page at "/" and "/s/{id}" (the page reads
// the session id from its address) and the assets under AssetPrefix.
func Register(mux *http.ServeMux) {
	dist, _ := fs.Sub(assets, "dist") // cannot fail: "dist" is embedded above
	index, _ := fs.ReadFile(dist, "index.html")
	page := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(index)
	})
	mux.Handle("GET /{$}", page)
	mux.Handle("GET /s/{id}", page)
	mux.Handle("GET "+AssetPrefix, newAssetServer(dist))
}
