// Conformance tests of judged runs: their tests, options, encoding and test results, bytes intact.

package storetest

import (
	"context"
	"testing"

	"livecode/internal/execution"
	"livecode/internal/store"
)

func judgeTests() map[string]func(*testing.T, store.Store) {
	return map[string]func(*testing.T, store.Store){
		"RoundTrip":  testJudgeRoundTrip,
		"NotJudged":  testNotJudged,
		"ListJudged": testListJudged,
	}
}

// allBytes is every byte value, 0x00 to 0xFF: not text in any encoding.
func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// testJudgeRoundTrip stores a judged run with binary input and reads back its tests, options,
// encoding and, once finished, its test results, byte for byte.
func testJudgeRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	n := newExec(t, ss.ID, at(0))
	n.Stdin = string(allBytes())
	n.Files = []execution.File{{Name: "data.bin", Content: string(allBytes())}, {Name: "text.txt", Content: "héllo"}}
	n.Encoding = execution.EncodingBase64
	n.Judge = &execution.Judge{Compare: execution.CompareFloat, AbsTolerance: ptr(1e-6), RelTolerance: ptr(0.0),
		StopOnFailure: true, Tests: []execution.Test{
			{Stdin: allBytes(), ExpectedOutput: allBytes(), Args: []string{"a", "b"}, TimeLimitMS: 700, Hidden: true},
			{Stdin: []byte("1 2\n"), ExpectedOutput: []byte("3\n")},
		}}
	created := create(t, s, n)
	wantEqual(t, "created judge", created.Judge, n.Judge)
	wantEqual(t, "created files", created.Files, n.Files)
	if created.Stdin != n.Stdin || created.Encoding != n.Encoding {
		t.Errorf("created: stdin %q encoding %q", created.Stdin, created.Encoding)
	}
	wantEqual(t, "read", get(t, s, n.ID), created)

	claim(t, s, n.ID, "w1", at(1))
	r := execution.Result{Status: execution.StatusFailed, Reason: execution.ReasonWrongAnswer, Stdout: "", Stderr: "",
		ExecutionTimeMS: ptr[int64](12), MemoryKB: ptr[int64](900), Tests: []execution.TestResult{
			{Index: 0, Verdict: execution.VerdictAccepted, Stdout: allBytes(), Stderr: []byte{0, 0xff},
				ExecutionTimeMS: ptr[int64](5), CPUTimeMS: ptr[int64](1), MemoryKB: ptr[int64](900)},
			{Index: 1, Verdict: execution.VerdictRuntimeError, Reason: execution.ReasonSignal, Signal: "SIGSEGV",
				ExitCode: ptr(139), ExecutionTimeMS: ptr[int64](7)},
		}}
	if ok, err := s.Finish(ctx, n.ID, "w1", 1, r, at(2)); err != nil || !ok {
		t.Fatalf("Finish: ok=%v err=%v", ok, err)
	}
	got := get(t, s, n.ID)
	wantEqual(t, "test results", got.Result.Tests, r.Tests)
	wantEqual(t, "judge after finish", got.Judge, n.Judge)
	wantEqual(t, "stdin", []byte(got.Stdin), allBytes())
}

// testNotJudged reads a run without tests as not judged, with no test results.
func testNotJudged(t *testing.T, s store.Store) {
	ctx := context.Background()
	ss := newSession(t, s)
	n := newExec(t, ss.ID, at(0))
	create(t, s, n)
	claim(t, s, n.ID, "w1", at(1))
	if ok, err := s.Finish(ctx, n.ID, "w1", 1, execution.Result{Status: execution.StatusCompleted, Stdout: "1\n"}, at(2)); err != nil || !ok {
		t.Fatalf("Finish: ok=%v err=%v", ok, err)
	}
	e := get(t, s, n.ID)
	if e.Judge != nil || e.Result.Tests != nil || e.Encoding != "" {
		t.Errorf("not judged: judge %+v tests %+v encoding %q", e.Judge, e.Result.Tests, e.Encoding)
	}
}

// testListJudged lists a judged execution with its tests, as reads of one do.
func testListJudged(t *testing.T, s store.Store) {
	ss := newSession(t, s)
	n := newExec(t, ss.ID, at(0))
	n.Judge = &execution.Judge{Tests: []execution.Test{{Stdin: []byte("x"), ExpectedOutput: []byte("y")}}}
	create(t, s, n)
	page, _, err := s.ListExecutions(context.Background(), ss.ID, 10, "")
	if err != nil || len(page) != 1 {
		t.Fatalf("ListExecutions: %v %v", page, err)
	}
	wantEqual(t, "listed judge", page[0].Judge, n.Judge)
}
