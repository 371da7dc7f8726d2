// The playground's test-case rows in a real browser, with a stand-in for a server that judges runs.

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// judgeStandIn makes the page see a server that takes tests, until livecode's own judge exists:
// /openapi.json announces a tests field on the run request; the run request's tests are kept
// (window.sentTests) and left out of what reaches livecode; the result event gains a verdict
// per test, accepted when the run's stdout is the expected output. It stands in for the server
// only: the page and its client run unchanged.
const judgeStandIn = `(() => {
  const real = window.fetch.bind(window);
  let tests = null;
  window.fetch = async (input, init = {}) => {
    const url = typeof input === "string" ? input : input.url;
    if (url.endsWith("/openapi.json")) {
      const schema = { properties: { tests: { type: "array" } } };
      return new Response(JSON.stringify({ paths: { "/code-sessions/{id}/run": { post: { requestBody: { content: { "application/json": { schema } } } } } } }),
        { headers: { "Content-Type": "application/json" } });
    }
    if (/\/code-sessions\/[^/]+\/run$/.test(url) && init.body) {
      const body = JSON.parse(init.body);
      tests = body.tests ?? null;
      window.sentTests = tests;
      delete body.tests;
      init = { ...init, body: JSON.stringify(body) };
    }
    const res = await real(input, init);
    if (!tests || !/\/events$/.test(url.split("?")[0])) return res;
    const want = tests;
    let buf = "";
    const dec = new TextDecoder(), enc = new TextEncoder();
    const judge = (block) => {
      if (!block.includes("event: result")) return block;
      return block.replace(/^data: (.*)$/m, (_, json) => {
        const e = JSON.parse(json);
        e.tests = want.map((t) => ({ verdict: e.stdout === t.expected_output ? "accepted" : "wrong_answer", execution_time_ms: e.execution_time_ms }));
        return "data: " + JSON.stringify(e);
      });
    };
    const body = res.body.pipeThrough(new TransformStream({
      transform(chunk, ctl) {
        buf += dec.decode(chunk, { stream: true });
        const blocks = buf.split("\n\n");
        buf = blocks.pop();
        for (const b of blocks) ctl.enqueue(enc.encode(judge(b) + "\n\n"));
      },
      flush(ctl) { if (buf) ctl.enqueue(enc.encode(judge(buf))); },
    }));
    return new Response(body, { status: res.status, headers: res.headers });
  };
})()`

func TestPlaygroundTestRows(t *testing.T) {
	t.Parallel()
	ctx := browserFor(t, 6*time.Minute)
	p, _, _ := serveOwnSandbox(t, 90030, 1)
	step(t, ctx, "stand in for a judging server", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: judgeStandIn})
		return err
	}))
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
	sent := value(t, ctx, "read the request", chromedp.Evaluate[string](`JSON.stringify(window.sentTests)`))
	if want := `[{"stdin":"","expected_output":"42\n"},{"stdin":"x","expected_output":"41\n"}]`; sent != want {
		t.Errorf("tests sent with the run = %s, want %s", sent, want)
	}
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
