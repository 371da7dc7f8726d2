// A session → run → result flow written against the types openapi-typescript generated from
// livecode's served /openapi.json (livecode.d.ts); tsc checks that the names and shapes line up.
import type { components } from "./livecode";

type Schemas = components["schemas"];

async function call<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(base + path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
  return (await r.json()) as T;
}

export async function flow(base: string): Promise<string | null> {
  const create: Schemas["CreateSessionBody"] = { language: "python", source_code: "print(input() * 2)" };
  const session = await call<Schemas["SessionView"]>(base, "POST", "/code-sessions", create);
  const run: Schemas["RunBody"] = { stdin: "ab", time_limit_ms: 10000 };
  const queued = await call<Schemas["RunOutputBody"]>(base, "POST", `/code-sessions/${session.session_id}/run`, run);
  const submit: Schemas["SubmitBody"] = { sessionId: session.session_id, code: "print(6 * 7)" };
  const design = await call<Schemas["SubmitOutputBody"]>(base, "POST", "/executions", submit);
  for (const id of [queued.execution_id, design.executionId]) {
    let e = await call<Schemas["ExecutionView"]>(base, "GET", `/executions/${id}`);
    while (e.status === "QUEUED" || e.status === "RUNNING") {
      await new Promise((ok) => setTimeout(ok, 20));
      e = await call<Schemas["ExecutionView"]>(base, "GET", `/executions/${id}`);
    }
    if (id === design.executionId) return e.stdout ?? null;
  }
  return null;
}
