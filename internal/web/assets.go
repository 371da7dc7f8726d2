// The page's assets served from memory: gzipped once on first request, with a strong ETag, and
// cached for good when the name carries a content hash (esbuild's chunk-*.js).

package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

// asset is one file ready to send; gz is built on first use.
type asset struct {
	raw, gz []byte
	etag    string
	ctype   string
	once    sync.Once
}

func (a *asset) gzipped() []byte {
	a.once.Do(func() {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // cannot fail: the level is valid
		_, _ = zw.Write(a.raw)                                 // writes to memory cannot fail
		_ = zw.Close()
		if b.Len() < len(a.raw) {
			a.gz = b.Bytes()
		}
	})
	return a.gz
}

// assetServer serves the files of dist by their path under AssetPrefix.
type assetServer map[string]*asset

func newAssetServer(dist fs.FS) assetServer {
	files := assetServer{}
	_ = fs.WalkDir(dist, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(dist, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(raw)
		files[name] = &asset{raw: raw, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
			ctype: mime.TypeByExtension(path.Ext(name))}
		return nil
	})
	return files
}

func (s assetServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, AssetPrefix)
	a, ok := s[name]
	if !ok || name == "index.html" {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", a.etag)
	h.Set("Vary", "Accept-Encoding")
	if a.ctype != "" {
		h.Set("Content-Type", a.ctype)
	}
	if strings.HasPrefix(path.Base(name), "chunk-") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable") // the name changes with the content
	} else {
		h.Set("Cache-Control", "no-cache") // the entry names the chunks: revalidate it
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.raw
	if gz := a.gzipped(); gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = gz
	}
	_, _ = w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}
