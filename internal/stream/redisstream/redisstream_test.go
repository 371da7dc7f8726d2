// Conformance, outage and cross-process tests of the Redis broker, against a real Redis.

package redisstream_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"livecode/internal/stream"
	"livecode/internal/stream/redisstream"
	"livecode/internal/stream/streamtest"
	"livecode/internal/testsvc"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// client returns a client of url, closed when the test ends.
func client(t testing.TB, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	opt.ContextTimeoutEnabled = true
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// newBroker returns a broker with its own client and key prefix, closed when the test ends
// (before its client: cleanups run last registered first).
func newBroker(t testing.TB, url string, cfg redisstream.Config) *redisstream.Broker {
	t.Helper()
	if cfg.Prefix == "" {
		cfg.Prefix = testsvc.QueueName(t) + ":"
	}
	b, err := redisstream.Open(url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestConformance(t *testing.T) {
	t.Parallel()
	url := testsvc.Redis(t)
	streamtest.Run(t, func(t *testing.T, cfg streamtest.Config) stream.Broker {
		// OpTimeout far past the default: Redis shares a loaded host's CPU with the suite, and
		// the conformance cases are about what is delivered, not how fast (outage_test bounds that).
		return newBroker(t, url, redisstream.Config{FinalTTL: cfg.FinalTTL, MaxLen: cfg.Retain, OpTimeout: 10 * time.Second})
	})
}
