// Package testsvc gives tests the real services they need, isolated per test: Redis returns
// a URL to a random database of the machine's Redis, or of a private redis-server it starts;
// Postgres and PostgresDB return a URL to the machine's PostgreSQL, or to one started from the
// installed binaries, PostgresDB with a fresh database per test. QueueName isolates queue
// keys. It is used only by tests (stores, queues, brokers, e2e); there are no mocks to reach for.
package testsvc
