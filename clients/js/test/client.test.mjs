// The client against a live livecode server at LIVECODE_URL (the e2e suite starts one and runs
// this file: go test -run TestJSClient ./e2e/). Without LIVECODE_URL every test is skipped.

import { test } from "node:test";
import assert from "node:assert/strict";
import { LivecodeClient, NetworkError, Problem, StaleSession } from "../dist/index.js";

const base = process.env.LIVECODE_URL;
const lc = new LivecodeClient({ baseURL: base });
const opts = { skip: !base && "LIVECODE_URL is not set" };

test("sessions carry their version; a stale autosave is a StaleSession with the current one", opts, async () => {
  const s = await lc.createSession({ language: "python", source_code: "print(1)\n" });
  assert.match(s.etag, /^"\d+"$/);
  const read = await lc.getSession(s.session_id);
  assert.equal(read.etag, s.etag);
  const a = await lc.saveSession(s.session_id, { source_code: "print('a')\n" }, { ifMatch: s.etag });
  assert.notEqual(a.etag, s.etag);
  await assert.rejects(lc.saveSession(s.session_id, { source_code: "print('b')\n" }, { ifMatch: s.etag }), (e) => {
    assert.ok(e instanceof StaleSession, `got ${e}`);
    assert.equal(e.status, 412);
    assert.equal(e.current.source_code, "print('a')\n");
    assert.equal(e.current.etag, a.etag);
    return true;
  });
  const b = await lc.saveSession(s.session_id, { source_code: "print('b')\n" }); // no If-Match: last write wins
  assert.match(b.etag, /^"\d+"$/);
});

test("errors are typed problems naming the field", opts, async () => {
  await assert.rejects(lc.getSession("00000000-0000-7000-8000-000000000000"), (e) => {
    assert.ok(e instanceof Problem);
    assert.equal(e.status, 404);
    assert.equal(e.field, "path.id");
    assert.equal(e.retryable, false);
    return true;
  });
  await assert.rejects(lc.createSession({ language: "no-such-language" }), (e) => e instanceof Problem && e.status === 422);
});

test("a run streams its output over SSE, resumes after a given event, and polls to the same result", opts, async () => {
  const s = await lc.createSession({ language: "python", source_code: "print('hi')\nprint('there')\n" });
  const run = await lc.run(s.session_id);
  const events = [];
  for await (const ev of lc.events(run.execution_id)) events.push(ev);
  const result = events.at(-1);
  assert.equal(result.type, "result");
  assert.equal(result.data.status, "COMPLETED");
  const out = events.filter((e) => e.type === "stdout").map((e) => e.data.data).join("");
  assert.equal(out, "hi\nthere\n");

  // Resuming after the first event gives every later event once, and none before it.
  const resumed = [];
  for await (const ev of lc.events(run.execution_id, { lastEventId: events[0].id })) resumed.push(ev);
  assert.deepEqual(resumed.map((e) => e.id), events.slice(1).map((e) => e.id));

  const polled = await lc.wait(run.execution_id);
  assert.equal(polled.stdout, "hi\nthere\n");
  const page = await lc.executions(s.session_id, { limit: 5 });
  assert.equal(page.executions[0].execution_id, run.execution_id);
});

test("capabilities read the OpenAPI document", opts, async () => {
  const caps = await lc.capabilities();
  assert.equal(typeof caps.tests, "boolean");
});

test("an unreachable server is a NetworkError", async () => {
  const down = new LivecodeClient({ baseURL: "http://127.0.0.1:9" });
  await assert.rejects(down.languages(), (e) => e instanceof NetworkError);
});
