// Package webhook delivers a finished execution to the callback_url its run gave: the URL
// policy that keeps callbacks off private networks (checked at admission and again when each
// connection is made), the signature, and the Dispatcher that sends, retries with backoff and
// records each delivery in the store, which any process may take over after a crash.
package webhook
