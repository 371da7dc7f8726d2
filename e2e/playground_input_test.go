// The playground in a real browser: autosave through a network outage, and stdin typed into a run.

package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// blockSessions makes the browser fail every request under /code-sessions/ (block) or lets
// them through again, as a dropped network would.
func blockSessions(base string, block bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		var patterns []*network.BlockPattern
		if block {
			patterns = []*network.BlockPattern{{URLPattern: base + "/code-sessions/*", Block: true}}
		}
		_, err := cdp.Call(ctx, tg, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: patterns})
		return err
	})
}

func TestPlaygroundKeepsEditsOfflineAndTakesInput(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	p, _, _ := serveOwnSandbox(t, 77010, 1)
	ready := chromedp.CSS(`body[data-ready="true"]`)

	step(t, ctx, "open /", chromedp.Navigate(p.URL+"/"), chromedp.WaitVisible(ready))
	id := strings.TrimPrefix(value(t, ctx, "read the address", chromedp.Evaluate[string](`location.pathname`)), "/s/")

	// Edits made while saves fail are kept, and the latest reaches the server once it is back.
	code := "name = input()\nprint('hi ' + name)\n"
	step(t, ctx, "go offline and type", blockSessions(p.URL, true), replaceCode("print('lost?')\n"),
		chromedp.WaitVisible(chromedp.CSS(`#save-state[data-state="offline"]`)), replaceCode(code))
	shot(t, ctx, "1-offline")
	step(t, ctx, "come back", blockSessions(p.URL, false),
		chromedp.WaitVisible(chromedp.CSS(`#save-state[data-state="saved"]`)))
	if got := sessionCode(t, p, id); got != code {
		t.Fatalf("saved code after the outage = %q, want the latest edit %q", got, code)
	}

	// An interactive run reads what is typed into the input box.
	step(t, ctx, "run interactively", chromedp.Click(chromedp.CSS(`#interactive`)), chromedp.Click(chromedp.CSS(`#run`)),
		chromedp.WaitVisible(chromedp.CSS(`#run-status[data-status="RUNNING"]`)),
		chromedp.SendKeys(chromedp.CSS(`#stdin`), "Ada"), chromedp.Click(chromedp.CSS(`#stdin-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#run-status[data-status="COMPLETED"]`)))
	if out := value(t, ctx, "read the output", chromedp.TextContent(chromedp.CSS(`#output`))); !strings.Contains(out, "hi Ada") {
		t.Fatalf("output %q, want the program's answer to the typed input, hi Ada", out)
	}
	shot(t, ctx, "2-interactive")

	// At a phone's width the page is one column with nothing to scroll sideways.
	step(t, ctx, "narrow the window", chromedp.EmulateViewport(390, 844))
	fits := value(t, ctx, "measure the width", chromedp.Evaluate[bool](
		`document.documentElement.scrollWidth <= innerWidth && document.getElementById("run").getBoundingClientRect().right <= innerWidth`))
	shot(t, ctx, "3-phone")
	if !fits {
		t.Fatal("at 390 px wide the page scrolls sideways or the Run button is off screen")
	}
}
