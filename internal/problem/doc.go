// Package problem is livecode's one error taxonomy. An Error carries a Kind (Invalid,
// NotFound, Conflict, TooLarge, Unprocessable, RateLimited, Unavailable, Unauthorized, Stale, and
// Internal for infrastructure trouble), a message safe to show users, the request field at
// fault, a Retry-After hint, a related id and the cause (for logs only).
//
// Lower layers (store admission, api input checks) return *Error; As and KindOf read it back.
// problem knows nothing of HTTP: the api package's statusOf and toHTTP (internal/api/errors.go)
// map each Kind to a status in one place. What a user's program does is never an Error: it
// is an execution.Result.
package problem
