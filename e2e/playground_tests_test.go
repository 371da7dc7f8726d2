// The playground's test-case rows in a real browser, judged by the server.

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestPlaygroundTestRows(t *testing.T) {
	t.Parallel()
	ctx := browserFor(t, 6*time.Minute)
	p, _, _ := serveOwnSandbox(t, 90030, 1)
	step(t, ctx, "open /", chromedp.Navigate(p.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#tests`)))

	// Two rows: one the program passes, one it fails.
	step(t, ctx, "add two tests", replaceCode("print(6 * 7)\n"), chromedp.WaitVisible(chromedp.CSS(`#save-state[data-state="saved"]`)),
		chromedp.Click(chromedp.CSS(`#add-test`)), chromedp.SendKeys(chromedp.CSS(`#test-rows li:nth-child(1) .test-expected`), "42\n"),
		chromedp.Click(chromedp.CSS(`#add-test`)), chromedp.SendKeys(chromedp.CSS(`#test-rows li:nth-child(2) .test-stdin`), "x"),
		chromedp.SendKeys(chromedp.CSS(`#test-rows li:nth-child(2) .test-expected`), "41\n"))
	shot(t, ctx, "1-test-rows")
	step(t, ctx, "run", chromedp.Click(chromedp.CSS(`#run`)),
		chromedp.WaitVisible(chromedp.CSS(`#test-rows li:nth-child(2) .verdict[data-verdict]`)))
	verdicts := value(t, ctx, "read the verdicts", chromedp.Evaluate[string](
		`[...document.querySelectorAll("#test-rows .verdict")].map(v => v.dataset.verdict + ":" + v.textContent).join("|")`))
	if !strings.HasPrefix(verdicts, "accepted:Accepted") || !strings.Contains(verdicts, "|wrong_answer:Wrong answer") {
		t.Errorf("verdicts shown = %q, want the first row accepted and the second a wrong answer", verdicts)
	}
	shot(t, ctx, "2-verdicts")

	// The rows are kept for the session: a reload shows them again.
	step(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#test-rows li:nth-child(2)`)))
	if got := value(t, ctx, "read the second row", chromedp.Value(chromedp.CSS(`#test-rows li:nth-child(2) .test-expected`))); got != "41\n" {
		t.Errorf("second row's expected output after a reload = %q, want 41", got)
	}
}
