// Fast paths: the autosave's common request served with one decode of its body; every other request goes to huma unchanged.

package api

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

// fastPath builds the handler of an operation from huma's own handler of it (slow), which it
// must call for every request it does not answer itself, before any side effect.
type fastPath func(api huma.API, op *huma.Operation, slow http.HandlerFunc) http.HandlerFunc

// fastAdapter is humago's adapter, except that the operations in paths are routed to their
// fast path. api is set once huma.NewAPI has returned, before any operation is registered.
type fastAdapter struct {
	huma.Adapter
	mux   *http.ServeMux
	api   huma.API
	paths map[string]fastPath // by operation id
}

// Handle registers op as humago does (same pattern), through its fast path when it has one.
func (a *fastAdapter) Handle(op *huma.Operation, h func(huma.Context)) {
	fast, ok := a.paths[op.OperationID]
	if !ok {
		a.Adapter.Handle(op, h)
		return
	}
	slow := func(w http.ResponseWriter, r *http.Request) { h(humago.NewContext(op, r, w)) }
	a.mux.HandleFunc(strings.ToUpper(op.Method)+" "+op.Path, fast(a.api, op, slow))
}

// fastPaths are the operations served through a fast path.
func (s *server) fastPaths() map[string]fastPath {
	if s.noFastPaths {
		return nil
	}
	return map[string]fastPath{"autosave-session": s.autosaveFast}
}

// autosaveFast serves an autosave whose body has a declared length and is a plain object of
// strings (jsonStrings) naming each field at most once, with a language short enough to pass
// the schema. huma would decode such a body twice (once into a map to validate it against the
// schema, once into the input struct); here it is decoded once, and the validation it would
// pass is known from the decode. Everything else, malformed or unusual, goes to huma, which
// answers it (errors included) exactly as before.
func (s *server) autosaveFast(api huma.API, op *huma.Operation, slow http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ct, err := api.Negotiate(r.Header.Get("Accept"))
		n := r.ContentLength
		if err != nil || n <= 0 || n >= op.MaxBodyBytes || !plainJSON(r.Header.Get("Content-Type")) ||
			len(r.Header.Get("If-Match")) > maxIfMatch {
			slow(w, r)
			return
		}
		ctx := humago.NewContext(op, r, w)
		_ = ctx.SetReadDeadline(time.Now().Add(op.BodyReadTimeout))
		body := make([]byte, n)
		got, rerr := readFull(r.Body, body)
		in := patchSessionInput{ID: r.PathValue("id"), IfMatch: r.Header.Get("If-Match")}
		if rerr != nil || !decodeAutosave(body, &in.Body) {
			// huma reads the same bytes, and the same read error after them.
			r.Body = readCloser{io.MultiReader(bytes.NewReader(body[:got]), errReader{rerr}), r.Body}
			slow(w, r)
			return
		}
		out, err := s.patchSession(r.Context(), &in)
		if err != nil {
			// As huma answers a handler's error: its headers, then the problem as the body.
			p := s.toHTTP(r.Context(), op.OperationID, err).(*problemDoc)
			for k, vs := range p.GetHeaders() {
				for _, v := range vs {
					ctx.AppendHeader(k, v)
				}
			}
			respond(api, ctx, ct, p.GetStatus(), p)
			return
		}
		if out.ETag != "" {
			ctx.SetHeader("ETag", out.ETag)
		}
		respond(api, ctx, ct, op.DefaultStatus, out.Body)
	}
}

// decodeAutosave decodes an autosave body into b when it is a plain object of strings that
// passes the schema: known field names only, each once, and a language within its maxLength
// (counted in bytes here, which is never less than huma's count of characters).
func decodeAutosave(body []byte, b *patchSessionBody) bool {
	return jsonStrings(body, func(name []byte, v string) bool {
		var f **string
		switch string(name) {
		case "language":
			if len(v) > maxLanguageID {
				return false
			}
			f = &b.Language
		case "source_code":
			f = &b.SourceCode
		default:
			return false
		}
		if *f != nil {
			return false
		}
		*f = &v
		return true
	})
}

// maxLanguageID is the maxLength of the language fields' schema, maxIfMatch of the If-Match header's.
const maxLanguageID, maxIfMatch = 64, 64

// plainJSON reports whether a request's Content-Type is one huma decodes as JSON without
// looking further: none, or exactly application/json.
func plainJSON(ct string) bool { return ct == "" || ct == "application/json" }

// respond writes body with status as huma writes an operation's result: the negotiated type
// (or the body's own, for a problem), the API's transformers, then the API's marshaller.
func respond(api huma.API, ctx huma.Context, ct string, status int, body any) {
	if f, ok := body.(huma.ContentTypeFilter); ok {
		ct = f.ContentType(ct)
	}
	ctx.SetHeader("Content-Type", ct)
	v, err := api.Transform(ctx, strconv.Itoa(status), body)
	if err == nil {
		ctx.SetStatus(status)
		err = api.Marshal(ctx.BodyWriter(), ct, v)
	}
	if err != nil {
		panic(err) // as huma does; the recoverer answers
	}
}

// readFull reads len(b) bytes, unless r fails first; unlike io.ReadFull it returns r's own
// error (a body cut short ends in io.EOF here), so that a replay can end with it.
func readFull(r io.Reader, b []byte) (int, error) {
	n := 0
	var err error
	for n < len(b) && err == nil {
		var k int
		k, err = r.Read(b[n:])
		n += k
	}
	if n == len(b) && err == io.EOF {
		err = nil
	}
	return n, err
}

type readCloser struct {
	io.Reader
	io.Closer
}

// errReader ends a replayed body as the original ended: with its read error, or io.EOF.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, io.EOF
	}
	return 0, e.err
}
