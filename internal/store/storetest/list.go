// Conformance tests of ListSessions: one owner's sessions, newest first, filtered and paged.

package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"livecode/internal/problem"
	"livecode/internal/session"
	"livecode/internal/store"
)

func listTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"Sessions": testListSessions,
		"BadCursor": func(t *testing.T, s store.Store) {
			_, _, err := s.ListSessions(context.Background(), store.SessionFilter{Owner: "a", Before: "!!"})
			wantKind(t, err, problem.Invalid)
		},
	}
}

// listed collects the ids of every page ListSessions returns for f, pages of size limit.
func listed(t *testing.T, s store.Store, f store.SessionFilter) []string {
	t.Helper()
	var ids []string
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("ListSessions: no last page")
		}
		page, next, err := s.ListSessions(context.Background(), f)
		if err != nil {
			t.Fatalf("ListSessions(%+v): %v", f, err)
		}
		if len(page) > f.Limit && f.Limit > 0 {
			t.Fatalf("page of %d, limit %d", len(page), f.Limit)
		}
		for _, ss := range page {
			if ss.Owner != f.Owner {
				t.Errorf("session %s of owner %q listed for %q", ss.ID, ss.Owner, f.Owner)
			}
			ids = append(ids, ss.ID)
		}
		if next == "" {
			return ids
		}
		f.Before = next
	}
}

func testListSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	type made struct {
		id, lang string
		closed   bool
	}
	var alice []made // in creation order; the i-th was created i/2 minutes after t0
	mk := func(owner, lang string, created time.Duration, closed bool) {
		ss := session.Session{ID: newID(t), Status: session.StatusActive, Language: lang, Owner: owner,
			CreatedAt: at(created), UpdatedAt: at(created)}
		if err := s.CreateSession(ctx, ss); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
		if closed {
			if _, err := s.CloseSession(ctx, ss.ID, at(created+time.Second)); err != nil {
				t.Fatalf("CloseSession: %v", err)
			}
		}
		if owner == "alice" {
			alice = append(alice, made{ss.ID, lang, closed})
		}
	}
	// Two sessions share a creation time: the id breaks the tie, across a page boundary too.
	for i, c := range []struct {
		lang   string
		closed bool
	}{{"python", false}, {"go", true}, {"python", true}, {"python", false}, {"go", false}} {
		mk("alice", c.lang, time.Duration(i/2)*time.Minute, c.closed)
		mk("bob", "python", time.Duration(i)*time.Minute, false)
	}
	// The expected order, computed from creation times and ids.
	order := func(keep func(made) bool) []string {
		type row struct {
			id string
			at int
		}
		var rows []row
		for i, m := range alice {
			if keep(m) {
				rows = append(rows, row{m.id, i / 2})
			}
		}
		slices.SortFunc(rows, func(a, b row) int {
			if a.at != b.at {
				return b.at - a.at
			}
			return strings.Compare(b.id, a.id)
		})
		ids := make([]string, 0, len(rows))
		for _, r := range rows {
			ids = append(ids, r.id)
		}
		return ids
	}
	all := func(made) bool { return true }
	cases := []struct {
		name string
		f    store.SessionFilter
		keep func(made) bool
	}{
		{"all, one page", store.SessionFilter{Owner: "alice"}, all},
		{"all, pages of 2", store.SessionFilter{Owner: "alice", Limit: 2}, all},
		{"all, pages of 1", store.SessionFilter{Owner: "alice", Limit: 1}, all},
		{"active", store.SessionFilter{Owner: "alice", Status: session.StatusActive, Limit: 2}, func(m made) bool { return !m.closed }},
		{"closed", store.SessionFilter{Owner: "alice", Status: session.StatusClosed, Limit: 1}, func(m made) bool { return m.closed }},
		{"python", store.SessionFilter{Owner: "alice", Language: "python", Limit: 2}, func(m made) bool { return m.lang == "python" }},
		{"active go", store.SessionFilter{Owner: "alice", Language: "go", Status: session.StatusActive}, func(m made) bool { return m.lang == "go" && !m.closed }},
		{"no such language", store.SessionFilter{Owner: "alice", Language: "cobol"}, func(made) bool { return false }},
	}
	for _, c := range cases {
		got, want := listed(t, s, c.f), order(c.keep)
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", c.name, got, want)
		}
	}
	if got := listed(t, s, store.SessionFilter{Owner: "carol"}); len(got) != 0 {
		t.Errorf("an owner without sessions listed %v", got)
	}
	if got := listed(t, s, store.SessionFilter{Owner: "bob", Limit: 3}); len(got) != 5 {
		t.Errorf("bob: %d sessions, want 5", len(got))
	}
}
