// The playground in a real browser: headless Chromium, driven over CDP, against `livecode serve`.

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// browser starts headless Chromium for the test and returns a tab's context, good for three
// minutes. The flags keep it off the network: this host reaches nothing but itself.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserFor(t, 3*time.Minute)
}

// browserFor is browser for a test that needs the tab for longer.
func browserFor(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("SKIPPED: Debian's chromium is not installed, so the playground is not tested in a browser (make toolchains installs it)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	return ctx
}

// shot saves a screenshot of the page as the test's artefact named name.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The page's state, read in the browser.
const (
	editorText = `Array.from(document.querySelectorAll(".cm-content .cm-line")).map(l => l.textContent).join("\n")`
	pickPython = `(s => { s.value = "python"; s.dispatchEvent(new Event("change")); return s.value })(document.getElementById("language"))`
	pickJS     = `(s => { s.value = "javascript"; s.dispatchEvent(new Event("change")); return s.value })(document.getElementById("language"))`
	// the run's status at the moment its first line shows, so a line seen only with the result fails
	// transferSize is what came over the wire (gzip where the server compresses), headers included
	pageWeight = `(() => { const all = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
		const sum = (f) => all.filter(f).reduce((n, e) => n + e.transferSize, 0);
		const page = (e) => !e.name.includes("/openapi.json");
		return all.filter(page).length + " requests, " + sum(page) + " bytes transferred (scripts " +
			sum((e) => e.name.endsWith(".js")) + "), ready after " + document.body.dataset.readyMs +
			" ms; then /openapi.json for the test rows: " + sum((e) => !page(e)) + " bytes" })()`
	statusAtFirstLine = `document.getElementById("output").textContent.includes("streamed 42") && document.getElementById("run-status").dataset.status`
)

func TestPlaygroundRunsAndRestoresASession(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	p, _, _ := serveOwnSandbox(t, 77000, 1, "TIME_LIMIT_MS=30000")
	ready, saved := chromedp.CSS(`body[data-ready="true"]`), chromedp.CSS(`#save-state[data-state="saved"]`)

	// A new page makes a session and puts it in the address.
	step(t, ctx, "open /", chromedp.Navigate(p.URL+"/"), chromedp.WaitVisible(ready))
	path := value(t, ctx, "read the address", chromedp.Evaluate[string](`location.pathname`))
	if !strings.HasPrefix(path, "/s/") {
		t.Fatalf("address after opening / = %q, want /s/{session_id}", path)
	}
	id := strings.TrimPrefix(path, "/s/")
	weight := value(t, ctx, "measure the page", chromedp.Evaluate[string](pageWeight))
	t.Logf("page as first opened, with the Python editor: %s", weight)
	// Switching language swaps untouched starter code and saves both.
	if got := value(t, ctx, "pick JavaScript", chromedp.Evaluate[string](pickJS)); got != "javascript" {
		t.Fatalf("language picked = %q, want javascript (is it available?)", got)
	}
	value(t, ctx, "see its starter", chromedp.Poll[bool](`document.querySelector(".cm-content").textContent.includes("console.log")`))
	step(t, ctx, "wait for the save", chromedp.WaitVisible(saved)) // the swap made the state "unsaved" at once
	if s := session(t, p, id); s.Language != "javascript" || !strings.Contains(s.SourceCode, "console.log") {
		t.Fatalf("after picking JavaScript the session is %+v", s)
	}
	if got := value(t, ctx, "pick Python", chromedp.Evaluate[string](pickPython)); got != "python" {
		t.Fatalf("language picked = %q, want python (is it available?)", got)
	}
	shot(t, ctx, "1-opened")

	// Typed code is autosaved: the page says so, and the API has it.
	code := "import time\nprint('streamed ' + str(6*7), flush=True)\ntime.sleep(60)\n"
	step(t, ctx, "type code", replaceCode(code), chromedp.WaitVisible(saved))
	typed := value(t, ctx, "read the editor", chromedp.Evaluate[string](editorText))
	if got := sessionCode(t, p, id); got != typed || !strings.Contains(got, "streamed ' + str(6*7)") {
		t.Fatalf("saved code = %q, editor shows %q", got, typed)
	}
	shot(t, ctx, "2-saved")

	// Output streams while the program still runs (it sleeps for a minute), then Cancel ends it.
	step(t, ctx, "run", chromedp.Click(chromedp.CSS(`#run`)))
	if status := value(t, ctx, "see the first line", chromedp.Poll[string](statusAtFirstLine)); status != "RUNNING" {
		t.Fatalf("status when the first line showed = %q, want RUNNING (output streamed before the end)", status)
	}
	shot(t, ctx, "3-streaming")
	step(t, ctx, "cancel", chromedp.Click(chromedp.CSS(`#cancel`)),
		chromedp.WaitVisible(chromedp.CSS(`#run-status[data-status="CANCELLED"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#history li button`)))
	shot(t, ctx, "4-cancelled")

	// A run to the end, started from the keyboard, shows its output, exit code and time.
	step(t, ctx, "retype", replaceCode("print('done')\n"))
	step(t, ctx, "run with Ctrl+Enter", chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.WaitVisible(chromedp.CSS(`#run-status[data-status="COMPLETED"]`)))
	out := value(t, ctx, "read the output", chromedp.TextContent(chromedp.CSS(`#output`)))
	facts := value(t, ctx, "read the facts", chromedp.TextContent(chromedp.CSS(`#facts`)))
	if out != "done\n" || !strings.Contains(facts, "Exit code0") || !strings.Contains(facts, "Time") {
		t.Fatalf("output %q, facts %q: want done, exit code 0 and a time", out, facts)
	}
	shot(t, ctx, "5-completed")

	// The session's runs are listed; picking one shows its stored output.
	value(t, ctx, "pick the cancelled run", chromedp.Evaluate[bool](
		`[...document.querySelectorAll("#history button")].find(b => b.textContent.includes("CANCELLED")).click() ?? true`))
	step(t, ctx, "see it", chromedp.WaitVisible(chromedp.CSS(`#run-status[data-status="CANCELLED"]`)))
	if out := value(t, ctx, "read its output", chromedp.TextContent(chromedp.CSS(`#output`))); !strings.Contains(out, "streamed 42") {
		t.Fatalf("output of the cancelled run from history = %q, want its streamed line", out)
	}
	measureFirstLine(t, ctx, p, id)

	// Reopening the address restores the session's code.
	step(t, ctx, "reload", chromedp.Navigate(p.URL+path), chromedp.WaitVisible(ready), chromedp.WaitVisible(saved))
	if restored := value(t, ctx, "read the editor", chromedp.Evaluate[string](editorText)); strings.TrimSpace(restored) != "print('hi')" {
		t.Fatalf("code after reload = %q, want the last edit, print('hi')", restored)
	}
	shot(t, ctx, "6-reloaded")
}

// measureFirstLine logs how long an edit takes to be saved, and a run of print("hi") to show its
// line in the page and, for comparison, on an SSE client of the API alone. Nothing is asserted
// about the durations: they depend on the host.
func measureFirstLine(t *testing.T, ctx context.Context, p *proc, id string) {
	t.Helper()
	begin := time.Now()
	step(t, ctx, "edit", replaceCode("print('hi')\n"), chromedp.WaitVisible(chromedp.CSS(`#save-state[data-state="saved"]`)))
	saved := time.Since(begin)
	begin = time.Now()
	step(t, ctx, "run hi", chromedp.Click(chromedp.CSS(`#run`)))
	value(t, ctx, "see hi", chromedp.Poll[bool](`document.getElementById("output").textContent.includes("hi")`))
	page := time.Since(begin)
	step(t, ctx, "wait for the end", chromedp.WaitVisible(chromedp.CSS(`#run-status[data-status="COMPLETED"]`)))

	sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	begin = time.Now()
	eid := run(t, p.URL, id, nil)
	var direct time.Duration
	for ev := range openSSE(sctx, t, p.URL+"/executions/"+eid+"/events", 0) {
		if ev.Type == "stdout" {
			direct = ev.At.Sub(begin)
			break
		}
	}
	if direct == 0 {
		t.Fatal("the API-only run streamed no stdout")
	}
	inPage := value(t, ctx, "read the page's own times", chromedp.Evaluate[string](
		`"last keystroke to saved " + document.body.dataset.lastSaveMs + " ms (500 ms debounce included), Run click to first output " + document.body.dataset.firstOutputMs + " ms"`))
	t.Logf("edit to saved %v (debounce included); run to first line: page %v, API alone %v; as the page measures itself: %s",
		saved.Round(time.Millisecond), page.Round(time.Millisecond), direct.Round(time.Millisecond), inPage)
}

// replaceCode selects all of the editor's text and replaces it with code, as a paste would.
func replaceCode(code string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Click(chromedp.CSS(`.cm-content`)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, input.InsertText, input.InsertTextParams{Text: code})
			return err
		}))
}

// step performs a step's actions, failing the test with the step's name.
func step(t *testing.T, ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		shot(t, ctx, "failed-"+strings.ReplaceAll(name, " ", "-"))
		t.Fatalf("%s: %v", name, err)
	}
}

// value performs an action that reads something, failing the test with the step's name.
func value[T any](t *testing.T, ctx context.Context, name string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		shot(t, ctx, "failed-"+strings.ReplaceAll(name, " ", "-"))
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// session is a session as the API stores it.
type storedSession struct {
	Language   string `json:"language"`
	SourceCode string `json:"source_code"`
}

func session(t *testing.T, p *proc, id string) storedSession {
	t.Helper()
	resp, err := client.Get(fmt.Sprintf("%s/code-sessions/%s", p.URL, id))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET session: %s", resp.Status)
	}
	var s storedSession
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// sessionCode is the session's code as the API stores it.
func sessionCode(t *testing.T, p *proc, id string) string {
	t.Helper()
	return session(t, p, id).SourceCode
}
