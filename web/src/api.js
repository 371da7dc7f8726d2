// The livecode API as the page uses it: one client (clients/js) with the tab's API key.

import { LivecodeClient } from "../../clients/js/src/index.ts";

export { NetworkError, Problem, StaleSession } from "../../clients/js/src/index.ts";

// The API key (API_KEYS), kept for this tab only and never put in the page's address.
const keyName = "livecode:api-key";

export const api = new LivecodeClient({ apiKey: sessionStorage.getItem(keyName) || "" });

export function setAPIKey(key) {
  api.setAPIKey(key);
  sessionStorage.setItem(keyName, key);
}
