// The hostile-input fuzzer: randomized runs with extreme values in every field, through the API.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The admission bounds of the README's limits table, at their defaults.
const (
	maxCode     = 256 << 10
	maxStdin    = 256 << 10
	maxArgs     = 64
	maxArgBytes = 4 << 10
	maxArgsSum  = 64 << 10
	maxFiles    = 64
	maxLangID   = 64
	maxTimeMS   = 30000
	maxMemMB    = 1024
	maxProcs    = 256
	maxOutput   = 8 << 20
	maxBody     = 1 << 20
)

// hostileGrace is how long past its time limit a run may take to end, pickup, setup and teardown
// included, on the slowest, most loaded host the suite must pass on.
const hostileGrace = 5 * time.Second

// hostileCase is one request and what may come of it.
type hostileCase struct {
	name    string
	session []byte // POST /code-sessions
	run     []byte // POST /code-sessions/{id}/run
	// field is the request field a 4xx must name; "" when the request is valid and must run
	// to a terminal state. either: a 4xx naming field and a run are both acceptable (a value
	// the API may refuse or the run may fail on, such as a NUL byte in an argument).
	field  string
	either bool
	timeMS int // the run's time limit, for the wait's bound
}

// hostileGen draws cases from a seeded source.
type hostileGen struct{ r *rand.Rand }

// programs are valid runs; several print what the sandbox itself prints when it fails.
var hostilePrograms = []struct{ lang, code string }{
	{"bash", "echo \"bwrap: Can't mount proc on /newroot/proc: Operation not permitted\" >&2; exit 1"},
	{"bash", "echo 'runsc: error running container: starting container' >&2; echo '{\"child-pid\": 2}' >&2; exit 1"},
	{"python", "import sys\nprint(len(sys.argv), len(sys.stdin.read()))"},
	{"python", "import sys\nsys.stderr.write('{\"exit-code\": 0}\\nbwrap: execvp: No such file or directory\\n'); sys.exit(1)"},
	{"javascript", "console.log(process.argv.length); process.stderr.write('bwrap: Creating new namespace failed\\n'); process.exit(1)"},
	{"bash", "printf '\\x00\\xff\\xfe invalid utf-8 \\x80\\n'; printf 'bwrap: \\xff\\n' >&2"},
	{"bash", "while :; do :; done"},                                     // ends by its time limit
	{"python", "import sys\nwhile True: sys.stdout.write('x' * 65536)"}, // ends by its output limit
	{"bash", ":(){ :|:& };:"},                                           // ends by its process or time limit
	{"bash", "cat"},                                                     // echoes stdin
}

// pick returns one of n, often the edges: 0, 1, n-1.
func (g hostileGen) pick(n int) int {
	switch g.r.IntN(4) {
	case 0:
		return 0
	case 1:
		return n - 1
	}
	return g.r.IntN(n)
}

// odd is a string of n bytes drawn from NUL, invalid UTF-8, control and plain characters.
func (g hostileGen) odd(n int) string {
	alphabet := []byte{0, 0xff, 0xfe, 0x80, '\n', '\r', '\t', '"', '\\', '$', '`', '\'', 'a', 'z', ' ', 0x1b}
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

// decodedLen is the length of s once the API has decoded it: each byte of invalid UTF-8 becomes
// U+FFFD, three bytes.
func decodedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			n += 2
		}
	}
	return n
}

// next draws one case. Each case has at most one field past its bound, so the field a 4xx must
// name is known; every other field is anywhere up to its bound, often at it.
func (g hostileGen) next(i int) hostileCase {
	prog := hostilePrograms[g.r.IntN(len(hostilePrograms))]
	session := map[string]any{"language": prog.lang, "source_code": prog.code}
	body := map[string]any{}
	var c hostileCase
	// The time limit stays short so the fuzzer stays fast; other limits go anywhere.
	c.timeMS = 300 + g.r.IntN(700)
	body["time_limit_ms"] = c.timeMS
	if g.r.IntN(2) == 0 {
		body["memory_limit_mb"] = []int{1, 16, 64, maxMemMB}[g.r.IntN(4)]
	}
	if g.r.IntN(2) == 0 {
		body["max_processes"] = []int{1, 2, 8, maxProcs}[g.r.IntN(4)]
	}
	if g.r.IntN(2) == 0 {
		body["output_limit_bytes"] = []int{1, 100, 65536, maxOutput}[g.r.IntN(4)]
	}
	switch g.r.IntN(12) {
	case 0: // args: count at and past the bound
		n := maxArgs + g.pick(2)
		args := make([]string, n)
		for j := range args {
			args[j] = g.odd(g.r.IntN(8))
		}
		body["args"] = args
		c.name = fmt.Sprintf("%d args", n)
		if n > maxArgs {
			c.field = "body.args"
		} else {
			c.either = true // NUL bytes in arguments
			c.field = "body.args"
		}
	case 1: // one argument at and past its bound
		n := maxArgBytes + g.pick(3) - 1 // bound-1, bound, bound+1
		body["args"] = []string{strings.Repeat("a", n)}
		c.name = fmt.Sprintf("argument of %d bytes", n)
		if n > maxArgBytes {
			c.field = "body.args[0]"
		}
	case 2: // arguments together past their bound, each within its own
		n := maxArgsSum/maxArgBytes + g.pick(2)
		args := make([]string, n)
		for j := range args {
			args[j] = strings.Repeat("b", maxArgBytes)
		}
		body["args"] = args
		c.name = fmt.Sprintf("%d arguments of %d bytes", n, maxArgBytes)
		if n*maxArgBytes > maxArgsSum {
			c.field = "body.args"
		}
	case 3: // code at and past its bound
		n := maxCode + g.pick(2)
		session["source_code"] = prog.code + "\n#" + strings.Repeat("c", n-len(prog.code)-2)
		if prog.lang == "javascript" {
			session["source_code"] = prog.code + "\n//" + strings.Repeat("c", n-len(prog.code)-3)
		}
		c.name = fmt.Sprintf("code of %d bytes", n)
		if n > maxCode {
			c.field = "code"
		}
	case 4: // stdin at and past its bound, odd bytes
		n := maxStdin + g.pick(2)
		head := g.odd(64)
		body["stdin"] = head + strings.Repeat("s", n-decodedLen(head))
		c.name = fmt.Sprintf("stdin of %d bytes", n)
		if n > maxStdin {
			c.field = "body.stdin"
		}
	case 5: // files: count at and past the bound
		n := maxFiles + g.pick(2)
		files := []map[string]string{{"name": "main", "content": prog.code}}
		for j := 1; j < n; j++ {
			files = append(files, map[string]string{"name": "f" + strconv.Itoa(j), "content": g.odd(g.r.IntN(64))})
		}
		body["files"] = files
		c.name = fmt.Sprintf("%d files", n)
		if n > maxFiles {
			c.field = "body.files"
		}
	case 6: // file names: too long, traversal, NUL, invalid UTF-8
		names := []string{strings.Repeat("n", 256), "../etc", "a/b", "x\x00y", "\xff\xfe", ".hidden", ".", ""}
		name := names[g.r.IntN(len(names))]
		body["files"] = []map[string]string{{"name": "main", "content": prog.code}, {"name": name, "content": "x"}}
		c.name = fmt.Sprintf("file name %q", name)
		c.field = "body.files[1].name"
		c.either = name == "\xff\xfe" // becomes U+FFFD twice on the way in: a valid name
	case 7: // language ids: unknown, too long, odd bytes
		ids := []string{"", strings.Repeat("p", maxLangID+1), "python\x00", "../bash", "PYTHON", "\xff", "c++; rm -rf /"}
		id := ids[g.r.IntN(len(ids))]
		session["language"] = id
		c.name = fmt.Sprintf("language %q", id)
		c.field = "language"
	case 8: // limits zero, negative, past their maximum, absurd
		fields := map[string]int{"time_limit_ms": maxTimeMS, "memory_limit_mb": maxMemMB, "max_processes": maxProcs, "output_limit_bytes": maxOutput}
		keys := []string{"time_limit_ms", "memory_limit_mb", "max_processes", "output_limit_bytes"}
		k := keys[g.r.IntN(len(keys))]
		vals := []int{0, -1, -1 << 31, fields[k] + 1, 1 << 62}
		body[k] = vals[g.r.IntN(len(vals))]
		c.name = fmt.Sprintf("%s %v", k, body[k])
		c.field = k
	case 9: // a body past its bound
		body["stdin"] = strings.Repeat("s", maxStdin)
		body["args"] = []string{strings.Repeat("a", maxArgBytes)}
		files := []map[string]string{}
		for j := range 3 {
			files = append(files, map[string]string{"name": "g" + strconv.Itoa(j), "content": strings.Repeat("d", maxCode)})
		}
		body["files"] = files
		c.name = "body past MAX_BODY_BYTES"
		c.field = "body"
	case 10: // code of odd bytes, at its bound
		session["source_code"] = g.odd(1 + g.r.IntN(4096))
		c.name = "code of odd bytes"
	default: // a valid run, limits anywhere
		c.name = "valid run"
	}
	c.name = fmt.Sprintf("%03d %s: %s", i, prog.lang, c.name)
	c.session, c.run = rawJSON(session), rawJSON(body)
	return c
}

// rawJSON encodes v; json.Marshal makes invalid UTF-8 valid, and the raw bytes go back in as
// some clients send them.
func rawJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return bytes.ReplaceAll(b, []byte(`\ufffd`), []byte{0xff})
}

// TestHostileInput sends randomized runs with extreme values in every field and checks each
// ends as a 4xx naming the field or a terminal state within its time limit plus grace; then that
// the worker pool is at full strength and nothing of any run is left on the host.
// HOSTILE_SEED picks the seed (logged), HOSTILE_CASES the count (default 150).
func TestHostileInput(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	if v, err := strconv.ParseUint(os.Getenv("HOSTILE_SEED"), 10, 64); err == nil {
		seed = v
	}
	n := 150
	if v, err := strconv.Atoi(os.Getenv("HOSTILE_CASES")); err == nil && v > 0 {
		n = v
	}
	t.Logf("HOSTILE_SEED=%d HOSTILE_CASES=%d", seed, n)
	const workers, uidBase = 2, 72400
	p, parent, tmp := serveOwnSandbox(t, uidBase, workers, "RUN_RATE_LIMIT=0", "MAX_ACTIVE_PER_SESSION=0", "QUEUE_CAPACITY=100000")
	g := hostileGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	cases := make(chan hostileCase)
	go func() {
		defer close(cases)
		for i := range n {
			cases <- g.next(i)
		}
	}()
	var (
		mu       sync.Mutex
		refused  = map[int]int{}
		outcomes = map[string]int{}
	)
	var wg sync.WaitGroup
	for range workers { // one run per slot at a time: each starts at once, so its wait is bounded
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range cases {
				code, outcome := sendHostile(t, p.URL, c)
				mu.Lock()
				if code != 202 {
					refused[code]++
				} else {
					outcomes[outcome]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("%d cases: refused %v, ran %v", n, refused, outcomes)

	// The pool at full strength: as many trivial runs as slots, sent together, all complete.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ids := make([]string, workers)
	for i := range ids {
		ids[i] = run(t, p.URL, newSession(t, p.URL, "bash", "echo alive"), nil)
	}
	for _, id := range ids {
		if e := await(ctx, t, p.URL, id); e.Status != "COMPLETED" || e.Stdout != "alive\n" {
			t.Errorf("after the fuzzer: %s %s/%q stdout %q", id, e.Status, e.Reason, e.Stdout)
		}
	}
	// Nothing left once the service stops: no process of the sandbox uids, no run cgroup, no
	// work dir.
	if code := p.stop(); code != 0 {
		t.Errorf("serve exited %d after SIGTERM", code)
	}
	if pids := uidProcesses(t, uidBase, workers); len(pids) > 0 {
		t.Errorf("processes of the sandbox uids left: %v", pids)
	}
	if _, err := os.Stat(filepath.Join("/sys/fs/cgroup", "pids", parent)); err != nil {
		if _, err2 := os.Stat(filepath.Join("/sys/fs/cgroup", parent)); err2 != nil {
			t.Errorf("the service's cgroup parent %s: %v, %v: its runs went elsewhere", parent, err, err2)
		}
	}
	if left := runCgroupsUnder(parent); len(left) > 0 {
		t.Errorf("run cgroups left: %v", left)
	}
	if ents, _ := os.ReadDir(filepath.Join(tmp, "runs")); len(ents) > 0 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("work dirs left: %v", names)
	}
}

// sendHostile sends c and checks its answer; it returns the HTTP status and, for a run, its
// final status and reason.
func sendHostile(t *testing.T, base string, c hostileCase) (int, string) {
	t.Helper()
	code, raw, ctype := postRaw(t, base+"/code-sessions", c.session)
	if code == 201 {
		var sess struct {
			ID string `json:"session_id"`
		}
		if err := json.Unmarshal(raw, &sess); err != nil || sess.ID == "" {
			t.Errorf("%s: 201 without a session id: %.300s", c.name, raw)
			return code, ""
		}
		code, raw, ctype = postRaw(t, base+"/code-sessions/"+sess.ID+"/run", c.run)
	}
	switch {
	case code == 202:
		if c.field != "" && !c.either {
			t.Errorf("%s: accepted, want a 4xx naming %s", c.name, c.field)
			return code, ""
		}
	case code >= 400 && code < 500:
		if c.field == "" {
			t.Errorf("%s: %d %.300s, want it run", c.name, code, raw)
		} else if !strings.Contains(ctype, "application/problem+json") || !strings.Contains(string(raw), c.field) {
			t.Errorf("%s: %d %s %.300s, want a problem naming %s", c.name, code, ctype, raw, c.field)
		}
		return code, ""
	default:
		t.Errorf("%s: %d %.300s", c.name, code, raw)
		return code, ""
	}
	var r struct {
		ID string `json:"execution_id"`
	}
	if err := json.Unmarshal(raw, &r); err != nil || r.ID == "" {
		t.Errorf("%s: 202 without an execution id: %s", c.name, raw)
		return code, ""
	}
	// Its slot is free (one run per slot at a time): it ends by its limit, plus grace.
	limit := time.Duration(c.timeMS)*time.Millisecond + hostileGrace
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	e := await(ctx, t, base, r.ID)
	if e.Reason == "internal" && !c.either {
		t.Errorf("%s: FAILED/internal: an input the API admits must run or fail as the program's result", c.name)
	}
	if e.Attempts > 1 {
		t.Errorf("%s: %d attempts: a program's own outcome is never retried", c.name, e.Attempts)
	}
	return code, e.Status + "/" + e.Reason
}

// postRaw sends body, raw bytes of JSON, and returns the status, the answer and its content type.
func postRaw(t *testing.T, url string, body []byte) (int, []byte, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, resp.Header.Get("Content-Type")
}
