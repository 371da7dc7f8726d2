// Package event is the wire format of an execution's live events and the one way they are
// published: the Data of each event type ("status", "stdout"/"stderr", "dropped", "result"),
// the JSON a client receives for it over SSE or WebSocket (Wire), and publishing to both of an
// execution's topics (Publish, PublishResult). The worker publishes a run's events, the api
// package those of executions no worker ran (QUEUED, cancelled while queued, refused by the
// queue) and relays them to clients; both through this package, over the stream seam.
//
// The "result" event carries the document GET /executions/{id} returns (View), so a client
// gets the same document from the stream as from the database.
package event
