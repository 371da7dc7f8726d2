// Tests of the fast paths: every answer and every stored effect the same as huma's alone.

package api_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"livecode/internal/api"
)

// exchange is what a client and the store see of one request.
type exchange struct {
	status int
	header http.Header
	body   string
	stored string // the session as a GET then shows it
}

// TestAutosaveFastPathSameAsHuma sends each autosave to the API and to the API without fast
// paths, from the same stored session, and wants the same status, headers, body and effect.
func TestAutosaveFastPathSameAsHuma(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *api.Config, _ *api.Deps) { c.MaxCodeBytes = 64 })
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	d := api.Deps{Store: b.store, Queue: b.queue, Languages: testLanguages(), Now: func() time.Time { return now }}
	fast, slow := api.New(d, b.cfg), api.NewSlow(d, b.cfg)
	active, closed := b.newSession(t, "print(1)"), b.newSession(t, "")
	b.do(t, http.MethodDelete, "/code-sessions/"+closed, nil).want(t, http.StatusOK)

	long := strings.Repeat("é", 64) // 64 characters in 128 bytes: left to huma, which accepts it
	bodies := []string{
		`{"source_code":"x = 1\nprint(x)"}`, `{"sourceCode":"a"}`, `{"code":"a"}`, `{"language":"javascript"}`,
		`{"language":"python","source_code":"print(\"hi\")\t\\ \/ \b\f\r"}`, ` { "code" : "a" , "language" : "python" } `,
		"{\n\t\"code\":\"π = 3.14 😀\"\r\n}", `{}`, `{"source_code":""}`, `{"code":"a","source_code":"a"}`,
		`{"code":"a","source_code":"b"}`, `{"code":"a","code":"b"}`, `{"Code":"a"}`, `{"source_code":null}`,
		`{"source_code":1}`, `{"source_code":["a"]}`, `{"language":"cobol"}`, `{"language":"nope"}`,
		`{"language":"` + strings.Repeat("x", 65) + `"}`, `{"language":"` + long + `"}`,
		`{"source_code":"` + strings.Repeat("y", 65) + `"}`, `{"source_code":"\u00e9\ud83d\ude00"}`,
		`{"source_code":"\ud800"}`, "{\"source_code\":\"\xff\"}", "{\"source_code\":\"a\x01\"}", `{"source_code":"\x"}`,
		`{"source_code":"a",}`, `{"source_code":"a"} x`, `{"source_code":"a"`, `{"source_code" "a"}`, `{"unknown":"a"}`,
		`[]`, `null`, `"code"`, `{"code":"a"}{}`, ``, `{"a\"b":"c"}`, `{"co\u0064e":"a"}`,
	}
	headers := []map[string]string{
		{"Content-Type": "application/json"},
		{},
		{"Content-Type": "application/json", "Accept": "application/json"},
		{"Content-Type": "application/json", "Accept": "text/html"},
		{"Content-Type": "application/json; charset=utf-8"},
		{"Content-Type": "text/plain"},
		{"Content-Type": "application/merge-patch+json"},
		{"Content-Type": "application/json", "If-Match": "*"},
		{"Content-Type": "application/json", "If-Match": `"1", "2"`},
		{"Content-Type": "application/json", "If-Match": `"` + strings.Repeat("9", 70) + `"`},
	}
	for _, id := range []string{active, closed, "00000000-0000-7000-8000-000000000000", "not-an-id"} {
		for i, body := range bodies {
			for j, h := range headers {
				// Under -short (make check) every body and every header set is compared, but
				// not every pair: the whole product is some 3000 requests.
				if testing.Short() && i != 0 && j != 0 {
					continue
				}
				want := autosave(t, slow, id, body, h, declared)
				if got := autosave(t, fast, id, body, h, declared); !sameExchange(got, want) {
					t.Errorf("PATCH %s %q %v:\n fast %+v\n huma %+v", id, body, h, got, want)
				}
			}
			// A body of unknown length, and one that ends before its declared length.
			for _, n := range []int64{-1, int64(len(body)) + 5} {
				h := headers[0]
				if want, got := autosave(t, slow, id, body, h, n), autosave(t, fast, id, body, h, n); !sameExchange(got, want) {
					t.Errorf("PATCH %s %q length %d:\n fast %+v\n huma %+v", id, body, n, got, want)
				}
			}
		}
	}
}

// declared is the length of a body that declares its own.
const declared = -2

// autosave resets the session when it exists, sends body with headers and a Content-Length of
// length (declared: the body's; -1: unknown) to h, and returns what the client and the store saw.
func autosave(t *testing.T, h http.Handler, id, body string, headers map[string]string, length int64) exchange {
	t.Helper()
	serve := func(method, body string, headers map[string]string, length int64) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/code-sessions/"+id, strings.NewReader(body))
		if length != declared {
			req.ContentLength = length
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		req.Header.Set(api.RequestIDHeader, "same-id")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	serve(http.MethodPatch, `{"language":"python","source_code":"reset"}`, map[string]string{"Content-Type": "application/json"}, declared)
	rec := serve(http.MethodPatch, body, headers, length)
	stored := serve(http.MethodGet, "", nil, declared).Body.String()
	return exchange{status: rec.Code, header: rec.Header(), body: rec.Body.String(), stored: stored}
}

// sameExchange compares two exchanges; an ETag only for its presence, since the session's
// version moves on with every save of either path.
func sameExchange(a, b exchange) bool {
	if (a.header.Get("ETag") == "") != (b.header.Get("ETag") == "") {
		return false
	}
	a.header, b.header = a.header.Clone(), b.header.Clone()
	a.header.Del("ETag")
	b.header.Del("ETag")
	return a.status == b.status && maps.EqualFunc(a.header, b.header, func(x, y []string) bool { return strings.Join(x, "\n") == strings.Join(y, "\n") }) &&
		a.body == b.body && a.stored == b.stored
}

// FuzzJSONStrings checks the strict decoder against encoding/json: whatever it accepts,
// encoding/json decodes into the same members, all of them strings.
func FuzzJSONStrings(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":"b"}`, ` {"a" : "b\n\"\\\/\t\r\b\f" , "c":""} `, `{"a":"b","a":"c"}`, `{"a":"\u0041"}`, `{"a":1}`,
		`{"a":null}`, `{"a":"b",}`, `{"a":"b"}x`, "{\"a\":\"\xff\"}", "{\"a\":\"\x00\"}", `{"a\"":"b"}`, `{"a":"\`,
		`{"é":"😀"}`, `[]`, ``, `{"a":"b"`, `{"a":"\q"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got := map[string]any{}
		if !api.JSONStrings(body, func(name []byte, v string) bool {
			if _, dup := got[string(name)]; dup {
				return false // as the autosave's decoder refuses a field given twice
			}
			got[string(name)] = v
			return true
		}) {
			return
		}
		var want map[string]any
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&want); err != nil || dec.More() || want == nil {
			t.Fatalf("accepted %q, which encoding/json refuses: %v", body, err)
		}
		if !maps.Equal(got, want) {
			t.Fatalf("%q: decoded %q, encoding/json %q", body, got, want)
		}
	})
}
