// The playground in a real browser against a server with API keys: the page asks for one.

package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestPlaygroundAsksForAnAPIKey(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	const key = "playground-secret-0123456789"
	p, _, _ := serveOwnSandbox(t, 77020, 1, "API_KEYS=alice:"+key)

	step(t, ctx, "open /", chromedp.Navigate(p.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#key-form`)))
	step(t, ctx, "give a wrong key", chromedp.SendKeys(chromedp.CSS(`#api-key`), "not-the-key-0123456789"),
		chromedp.Click(chromedp.CSS(`#key-form button`)), chromedp.WaitVisible(chromedp.CSS(`#key-refused`)))
	shot(t, ctx, "1-key-refused")
	step(t, ctx, "give the key", chromedp.SetValue(chromedp.CSS(`#api-key`), key),
		chromedp.Click(chromedp.CSS(`#key-form button`)), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)))
	if addr := value(t, ctx, "read the address", chromedp.Evaluate[string](`location.href`)); !strings.Contains(addr, "/s/") || strings.Contains(addr, key) {
		t.Fatalf("address %q: want the session in it and never the key", addr)
	}

	// Runs stream with the key too (EventSource carries it as access_token).
	step(t, ctx, "run", replaceCode("print('keyed')\n"), chromedp.Click(chromedp.CSS(`#run`)),
		chromedp.WaitVisible(chromedp.CSS(`#run-status[data-status="COMPLETED"]`)))
	if out := value(t, ctx, "read the output", chromedp.TextContent(chromedp.CSS(`#output`))); out != "keyed\n" {
		t.Fatalf("output %q, want keyed", out)
	}
	shot(t, ctx, "2-keyed-run")
}
