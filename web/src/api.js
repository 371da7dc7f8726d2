// The livecode API as the page uses it: JSON requests that throw a problem on a non-2xx answer.

export class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// The API key (API_KEYS), kept for this tab only and never put in the page's address.
const keyName = "livecode:api-key";
let apiKey = sessionStorage.getItem(keyName) || "";

export function setAPIKey(key) {
  apiKey = key;
  sessionStorage.setItem(keyName, key);
}

// streamURL is path with the key as access_token: EventSource and WebSocket cannot send headers.
export function streamURL(path) {
  return apiKey ? `${path}${path.includes("?") ? "&" : "?"}access_token=${encodeURIComponent(apiKey)}` : path;
}

// request sends a JSON request; a network failure throws a TypeError, an error status a Problem.
export async function request(method, path, body) {
  const init = { method, headers: { Accept: "application/json" } };
  if (apiKey) init.headers.Authorization = `Bearer ${apiKey}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Problem(res.status, data);
  return data;
}

export const api = {
  languages: () => request("GET", "/languages"),
  createSession: (language, source_code) => request("POST", "/code-sessions", { language, source_code }),
  getSession: (id) => request("GET", `/code-sessions/${encodeURIComponent(id)}`),
  saveSession: (id, patch) => request("PATCH", `/code-sessions/${encodeURIComponent(id)}`, patch),
  run: (body) => request("POST", "/executions", body),
  execution: (id) => request("GET", `/executions/${encodeURIComponent(id)}`),
  history: (id) => request("GET", `/code-sessions/${encodeURIComponent(id)}/executions?limit=20`),
  cancel: (id) => request("POST", `/executions/${encodeURIComponent(id)}/cancel`),
};
