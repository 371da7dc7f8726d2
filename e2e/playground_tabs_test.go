// The playground in a real browser: two tabs editing one session meet a conflict, not a silent overwrite.

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestPlaygroundTwoTabsConflict(t *testing.T) {
	t.Parallel()
	tabA := browserFor(t, 6*time.Minute) // two tabs share it
	p, _, _ := serveOwnSandbox(t, 90000, 1)
	ready := chromedp.CSS(`body[data-ready="true"]`)
	saved := chromedp.CSS(`#save-state[data-state="saved"]`)
	banner := chromedp.CSS(`#conflict:not([hidden])`)

	step(t, tabA, "open / in tab A", chromedp.Navigate(p.URL+"/"), chromedp.WaitVisible(ready))
	path := value(t, tabA, "read the address", chromedp.Evaluate[string](`location.pathname`))
	id := strings.TrimPrefix(path, "/s/")
	tabB, closeB := chromedp.NewContext(tabA) // a second tab of the same browser
	t.Cleanup(closeB)
	step(t, tabB, "open the session in tab B", chromedp.Navigate(p.URL+path), chromedp.WaitVisible(ready), chromedp.WaitVisible(saved))

	// A saves first; B, still editing the version it loaded, is refused and told so.
	step(t, tabA, "type in tab A", replaceCode("print('from A')\n"), chromedp.WaitVisible(saved))
	step(t, tabB, "type in tab B", replaceCode("print('from B')\n"), chromedp.WaitVisible(banner),
		chromedp.WaitVisible(chromedp.CSS(`#save-state[data-state="conflict"]`)))
	shot(t, tabB, "1-tab-b-conflict")
	if got := sessionCode(t, p, id); got != "print('from A')\n" {
		t.Fatalf("after tab B's refused save the session has %q, want tab A's code", got)
	}
	if focused := value(t, tabB, "read the focus", chromedp.Evaluate[string](`document.activeElement.id`)); focused != "conflict-load" {
		t.Errorf("focus after the conflict is on %q, want the banner's first choice (conflict-load)", focused)
	}

	// B loads A's version: the editor shows it and nothing is left to save.
	step(t, tabB, "load the other version", chromedp.Click(chromedp.CSS(`#conflict-load`)), chromedp.WaitVisible(saved),
		chromedp.WaitNotVisible(chromedp.CSS(`#conflict`)))
	if got := value(t, tabB, "read the editor", chromedp.Evaluate[string](editorText)); strings.TrimSpace(got) != "print('from A')" {
		t.Fatalf("tab B's editor after loading the other version = %q, want tab A's code", got)
	}
	shot(t, tabB, "2-tab-b-loaded")

	// Now B is current: its edit saves. A, behind, conflicts and chooses to keep its own text.
	step(t, tabB, "edit in tab B", replaceCode("print('B again')\n"), chromedp.WaitVisible(saved))
	step(t, tabA, "edit in tab A", replaceCode("print('A again')\n"), chromedp.WaitVisible(banner))
	shot(t, tabA, "3-tab-a-conflict")
	step(t, tabA, "keep mine", chromedp.Click(chromedp.CSS(`#conflict-keep`)), chromedp.WaitVisible(saved))
	if got := sessionCode(t, p, id); got != "print('A again')\n" {
		t.Fatalf("after tab A chose to overwrite the session has %q, want tab A's code", got)
	}
	shot(t, tabA, "4-tab-a-overwrote")

	// A run is refused while a conflict waits for the user's choice.
	step(t, tabB, "edit in tab B, behind", replaceCode("print('B behind')\n"), chromedp.WaitVisible(banner))
	step(t, tabB, "try to run", chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.WaitVisible(chromedp.CSS(`#error:not([hidden])`)))
	if msg := value(t, tabB, "read the error", chromedp.TextContent(chromedp.CSS(`#error`))); !strings.Contains(msg, "choose") {
		t.Errorf("error while in conflict = %q, want it to ask for a choice", msg)
	}
	if n := value(t, tabB, "count runs", chromedp.Evaluate[int](`document.querySelectorAll("#history li").length`)); n != 0 {
		t.Errorf("%d runs listed, want none: a run must not start over a conflict", n)
	}
	shot(t, tabB, "5-tab-b-run-refused")
}
