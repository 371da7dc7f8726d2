// Tests of GET /code-sessions: the caller's sessions only, newest first, filtered and paged.

package api_test

import (
	"net/http"
	"slices"
	"testing"
)

// listSessions pages through GET /code-sessions?query as key and returns the ids in order.
func (b *bundle) listSessions(t *testing.T, key, query string) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for pages := 0; pages < 50; pages++ {
		r := b.do(t, "GET", "/code-sessions?limit=2&"+query+"&cursor="+cursor, nil, bearer(key)...).want(t, http.StatusOK)
		items, _ := r.body["sessions"].([]any)
		if len(items) > 2 {
			t.Fatalf("page of %d, limit 2", len(items))
		}
		for _, it := range items {
			ids = append(ids, it.(map[string]any)["session_id"].(string))
		}
		if cursor, _ = r.body["next_cursor"].(string); cursor == "" {
			return ids
		}
	}
	t.Fatal("no last page")
	return nil
}

func TestListSessions(t *testing.T) {
	t.Parallel()
	b := setup(t, withKeys)
	var mine []string // newest first
	for range 5 {
		mine = append([]string{b.ownSession(t, aliceKey)}, mine...)
	}
	bobs := b.ownSession(t, bobKey)
	b.do(t, "DELETE", "/code-sessions/"+mine[1], nil, bearer(aliceKey)...).want(t, http.StatusOK)
	b.do(t, "PATCH", "/code-sessions/"+mine[2], map[string]any{"language": "javascript"}, bearer(aliceKey)...).want(t, http.StatusOK)

	cases := []struct {
		query string
		want  []string
	}{
		{"", mine},
		{"status=CLOSED", mine[1:2]},
		{"status=ACTIVE", []string{mine[0], mine[2], mine[3], mine[4]}},
		{"language=javascript", mine[2:3]},
		{"language=python&status=ACTIVE", []string{mine[0], mine[3], mine[4]}},
	}
	for _, c := range cases {
		if got := b.listSessions(t, aliceKey, c.query); !slices.Equal(got, c.want) {
			t.Errorf("?%s: got %v, want %v", c.query, got, c.want)
		}
	}
	if got := b.listSessions(t, bobKey, ""); !slices.Equal(got, []string{bobs}) {
		t.Errorf("bob sees %v, want only %s", got, bobs)
	}
	b.do(t, "GET", "/code-sessions", nil).want(t, http.StatusUnauthorized)
	b.do(t, "GET", "/code-sessions?status=OPEN", nil, bearer(aliceKey)...).want(t, http.StatusUnprocessableEntity)
	r := b.do(t, "GET", "/code-sessions?cursor=%21%21", nil, bearer(aliceKey)...).want(t, http.StatusBadRequest)
	if got := r.locations(); !slices.Equal(got, []string{"query.cursor"}) {
		t.Errorf("bad cursor locations = %v", got)
	}
}
