// The playground in a real browser: every language's starter loads, is highlighted, and runs
// from the keyboard; the test-case rows show, since the server judges runs.

package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// highlighted counts the editor's syntax-highlighted tokens (CodeMirror wraps each in a span).
const highlighted = `document.querySelectorAll(".cm-content .cm-line span").length`

func TestPlaygroundRunsEveryStarter(t *testing.T) {
	t.Parallel()
	ctx := browserFor(t, 12*time.Minute) // thirteen languages, some compiled, one at a time
	p, _, _ := serveOwnSandbox(t, 90010, 1, "TIME_LIMIT_MS=20000", "RUN_RATE_LIMIT=0", "COMPILE_TIME_LIMIT_MS=60000")
	ready := chromedp.CSS(`body[data-ready="true"]`)
	saved := chromedp.CSS(`#save-state[data-state="saved"]`)

	step(t, ctx, "open /", chromedp.Navigate(p.URL+"/"), chromedp.WaitVisible(ready))
	if hidden := value(t, ctx, "look for test rows", chromedp.Evaluate[bool](`document.getElementById("tests").hidden`)); hidden {
		t.Error("test-case rows are hidden, but this server's run request takes tests")
	}
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
		if n := value(t, ctx, l.ID+": wait for highlighting", chromedp.Poll[int](highlighted+` > 0 && `+highlighted)); n < 1 {
			t.Errorf("%s: %d highlighted tokens, want its starter highlighted", l.ID, n)
		}
		if s := session(t, p, strings.TrimPrefix(value(t, ctx, "read the address", chromedp.Evaluate[string](`location.pathname`)), "/s/")); s.Language != l.ID {
			t.Fatalf("session language after picking %s = %q", l.ID, s.Language)
		}
		// Keyboard only: Ctrl+Enter in the editor; the run is over once the history lists one
		// more run and the status is final.
		runs := value(t, ctx, l.ID+": count runs", chromedp.Evaluate[int](`document.querySelectorAll("#history li").length`))
		begin := time.Now()
		step(t, ctx, l.ID+": run from the keyboard", chromedp.Focus(chromedp.CSS(`.cm-content`)),
			chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
		status := value(t, ctx, l.ID+": wait for the end", chromedp.Poll[string](fmt.Sprintf(
			`(s => document.querySelectorAll("#history li").length > %d && !["QUEUED", "RUNNING"].includes(s) && s)(document.getElementById("run-status").dataset.status)`, runs)))
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
