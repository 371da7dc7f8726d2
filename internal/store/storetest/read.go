// Conformance tests of execution reads: lookup, pagination, latest.

package storetest

import (
	"context"
	"testing"
	"time"

	"livecode/internal/problem"
	"livecode/internal/store"
)

func readTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"Unknown": func(t *testing.T, s store.Store) {
			ctx := context.Background()
			_, err := s.GetExecution(ctx, newID(t))
			wantKind(t, err, problem.NotFound)
			_, _, err = s.ListExecutions(ctx, newID(t), 10, "")
			wantKind(t, err, problem.NotFound)
			ss := newSession(t, s)
			_, err = s.LatestExecution(ctx, ss.ID)
			wantKind(t, err, problem.NotFound)
			page, next, err := s.ListExecutions(ctx, ss.ID, 10, "")
			if err != nil || len(page) != 0 || next != "" {
				t.Errorf("empty session: page %v next %q err %v, want an empty last page", page, next, err)
			}
			_, _, err = s.ListExecutions(ctx, ss.ID, 10, "%%not a cursor")
			wantKind(t, err, problem.Invalid)
		},
		"Pages":   testPages,
		"Latest":  testLatest,
		"Isolate": testListIsolated,
	}
}

// testPages lists 7 executions, two of them queued in the same millisecond, 3 a page.
func testPages(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	offsets := []time.Duration{0, time.Second, 2 * time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second, 5 * time.Second}
	var want []string // newest first
	for _, d := range offsets {
		want = append([]string{create(t, s, newExec(t, ss.ID, at(d))).ID}, want...)
	}
	// Within one millisecond the larger id is newer, as uuid v7 ids made in order are.
	if want[3] < want[4] {
		want[3], want[4] = want[4], want[3]
	}
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatalf("more than 3 pages of 3 for 7 executions")
		}
		page, next, err := s.ListExecutions(ctx, ss.ID, 3, cursor)
		if err != nil {
			t.Fatalf("ListExecutions: %v", err)
		}
		for _, e := range page {
			got = append(got, e.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	wantEqual(t, "ids newest first", got, want)
	all, next, err := s.ListExecutions(ctx, ss.ID, 0, "")
	if err != nil || len(all) != 7 || next != "" {
		t.Errorf("default page: %d executions next %q err %v, want all 7", len(all), next, err)
	}
}

func testLatest(t *testing.T, s store.Store) {
	ss := newSession(t, s)
	create(t, s, newExec(t, ss.ID, t0))
	newest := create(t, s, newExec(t, ss.ID, at(time.Minute)))
	create(t, s, newExec(t, ss.ID, at(time.Second)))
	got, err := s.LatestExecution(context.Background(), ss.ID)
	if err != nil {
		t.Fatalf("LatestExecution: %v", err)
	}
	wantEqual(t, "latest", got, newest)
}

func testListIsolated(t *testing.T, s store.Store) {
	a, b := newSession(t, s), newSession(t, s)
	create(t, s, newExec(t, a.ID, t0))
	onlyB := create(t, s, newExec(t, b.ID, t0))
	page, _, err := s.ListExecutions(context.Background(), b.ID, 10, "")
	if err != nil || len(page) != 1 || page[0].ID != onlyB.ID {
		t.Errorf("ListExecutions(b) = %d executions, err %v; want only %s", len(page), err, onlyB.ID)
	}
}
