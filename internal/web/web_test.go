// Tests of the playground's routes and of the committed bundle.

package web

import (
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func serve(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gunzip: the test reads what was sent
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestPageRoutes(t *testing.T) {
	t.Parallel()
	srv := serve(t)
	for _, path := range []string{"/", "/s/01a23659-27fa-7607-9919-2cbb712807fc"} {
		resp, body := get(t, srv.URL+path)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(body, `src="/play/js/main.js"`) {
			t.Errorf("GET %s = %d %q, want the page", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	for _, path := range []string{"/s/a/b", "/play/nope.js", "/play/index.html", "/index.html"} {
		if resp, _ := get(t, srv.URL+path); resp.StatusCode != 404 {
			t.Errorf("GET %s = %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestAssetsAreGzippedAndRevalidated(t *testing.T) {
	t.Parallel()
	srv := serve(t)
	resp, body := get(t, srv.URL+"/play/js/main.js", "Accept-Encoding", "gzip")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(body, "code-sessions") {
		t.Fatalf("main.js: %d, encoding %q, type %q", resp.StatusCode, resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type"))
	}
	plain, plainBody := get(t, srv.URL+"/play/js/main.js")
	if plain.Header.Get("Content-Encoding") != "" || plainBody != body {
		t.Fatalf("main.js without Accept-Encoding: encoding %q, same text %v", plain.Header.Get("Content-Encoding"), plainBody == body)
	}
	etag := resp.Header.Get("ETag")
	if again, _ := get(t, srv.URL+"/play/js/main.js", "If-None-Match", etag); etag == "" || again.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation with ETag %q = %d, want 304", etag, again.StatusCode)
	}
}

// The committed bundle is whole: every chunk a script imports is embedded.
func TestBundleIsComplete(t *testing.T) {
	t.Parallel()
	imports := regexp.MustCompile(`["'](\./chunk-[A-Z0-9]+\.js)["']`)
	scripts, err := fs.Glob(assets, "dist/js/*.js")
	if err != nil || len(scripts) < 2 {
		t.Fatalf("scripts %v, %v: want main.js and its chunks (make web)", scripts, err)
	}
	found := 0
	for _, name := range scripts {
		b, _ := fs.ReadFile(assets, name)
		for _, m := range imports.FindAllStringSubmatch(string(b), -1) {
			found++
			if _, err := fs.Stat(assets, "dist/js/"+strings.TrimPrefix(m[1], "./")); err != nil {
				t.Errorf("%s imports %s, which is not embedded: %v", name, m[1], err)
			}
		}
	}
	if found == 0 {
		t.Error("no chunk imports found: the bundle's format changed, so this test checks nothing")
	}
}
