// The playground in a real browser: every language's starter loads, is highlighted, and runs
// from the keyboard; the test-case rows show, since the server judges runs.

package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// highlighted counts the editor's syntax-highlighted tokens (CodeMirror wraps each in a span).
const highlighted = `document.querySelectorAll(".cm-content .cm-line span").length`

func TestPlaygroundRunsEveryStarter(t *testing.T) {
	t.Parallel()
	ctx := browserFor(t, 25*time.Minute) // forty languages, some compiled slowly, one at a time
	p, _, _ := serveOwnSandbox(t, 90010, 1, "TIME_LIMIT_MS=20000", "RUN_RATE_LIMIT=0", "COMPILE_TIME_LIMIT_MS=60000")
	ready := chromedp.CSS(`body[data-ready="true"]`)
	saved := chromedp.CSS(`#save-state[data-state="saved"]`)

	step(t, ctx, "open /", chromedp.Navigate(p.URL+"/"), chromedp.WaitVisible(ready))
	// The rows show once the page has read the server's capabilities, which may come after ready.
	step(t, ctx, "wait for the test-case rows: this server's run request takes tests",
		chromedp.Poll[chromedp.Void](`!document.getElementById("tests").hidden`, chromedp.WithPollingTimeout(30*time.Second)))
	var langs []struct {
		ID        string `json:"id"`
		Available bool   `json:"available"`
	}
	raw := value(t, ctx, "list the languages", chromedp.Evaluate[string](
		`JSON.stringify([...document.querySelectorAll("#language option")].map(o => ({id: o.value, available: !o.disabled})))`))
	if err := json.Unmarshal([]byte(raw), &langs); err != nil || len(langs) < 2 {
		t.Fatalf("language picker %s: %v", raw, err)
	}
	for _, l := range langs {
		if !l.Available {
			t.Logf("%s: unavailable on this host, shown disabled", l.ID)
			continue
		}
		pick := fmt.Sprintf(`(s => { s.value = %q; s.dispatchEvent(new Event("change")); return s.value })(document.getElementById("language"))`, l.ID)
		if got := value(t, ctx, "pick "+l.ID, chromedp.Evaluate[string](pick)); got != l.ID {
			t.Fatalf("picked %q, want %s", got, l.ID)
		}
		step(t, ctx, l.ID+": wait for its save", chromedp.WaitVisible(saved))
		// The page says when the editor is set for the language, and whether it highlights it: a
		// few languages have no CodeMirror mode and are edited as plain text.
		editorMode := value(t, ctx, l.ID+": wait for the editor's mode", chromedp.Poll[string](fmt.Sprintf(
			`(m => m && m.startsWith(%q) && m)(document.body.dataset.editorMode)`, l.ID+":")))
		switch {
		case editorMode == l.ID+":highlighted":
			if n := value(t, ctx, l.ID+": wait for highlighting", chromedp.Poll[int](highlighted+` > 0 && `+highlighted)); n < 1 {
				t.Errorf("%s: %d highlighted tokens, want its starter highlighted", l.ID, n)
			}
		case slices.Contains([]string{"python", "javascript", "c", "java", "go", "rust"}, l.ID):
			t.Errorf("%s: the editor's mode is %q, want it highlighted", l.ID, editorMode)
		default:
			t.Logf("%s: no editor mode, edited as plain text", l.ID)
		}
		if s := session(t, p, strings.TrimPrefix(value(t, ctx, "read the address", chromedp.Evaluate[string](`location.pathname`)), "/s/")); s.Language != l.ID {
			t.Fatalf("session language after picking %s = %q", l.ID, s.Language)
		}
		// Keyboard only: Ctrl+Enter in the editor; the run is over once the history's newest
		// entry is another run, no longer queued or running, and the status is final. (The
		// history lists the last 20 runs: its length stops growing.)
		newest := `(document.querySelector("#history li")?.textContent ?? "")`
		before := value(t, ctx, l.ID+": read the newest run", chromedp.Evaluate[string](newest))
		begin := time.Now()
		step(t, ctx, l.ID+": run from the keyboard", chromedp.Focus(chromedp.CSS(`.cm-content`)),
			chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
		status := value(t, ctx, l.ID+": wait for the end", chromedp.Poll[string](fmt.Sprintf(
			`((s, n) => n !== %q && !/QUEUED|RUNNING/.test(n) && !["QUEUED", "RUNNING"].includes(s) && s)(document.getElementById("run-status").dataset.status, %s)`,
			before, newest), chromedp.WithPollingTimeout(3*time.Minute))) // a JVM compile on a busy host takes its time
		out := value(t, ctx, l.ID+": read the output", chromedp.TextContent(chromedp.CSS(`#output`)))
		shot(t, ctx, "starter-"+l.ID)
		if status != "COMPLETED" || strings.TrimSpace(out) == "" {
			compile := value(t, ctx, "read compile output", chromedp.TextContent(chromedp.CSS(`#compile`)))
			t.Errorf("%s starter: status %s, output %q, compile output %q: want it COMPLETED with output", l.ID, status, out, compile)
			continue
		}
		t.Logf("%s starter: %s in %v, output %q", l.ID, status, time.Since(begin).Round(time.Millisecond), strings.TrimSpace(out))
	}
}
