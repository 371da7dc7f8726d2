// Conformance and measurements of the in-process broker.

package memstream_test

import (
	"testing"

	"go.uber.org/goleak"

	"livecode/internal/stream"
	"livecode/internal/stream/memstream"
	"livecode/internal/stream/streamtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func open(t *testing.T, cfg streamtest.Config) stream.Broker {
	t.Helper()
	return memstream.New(memstream.Config{FinalTTL: cfg.FinalTTL, MaxBytes: cfg.Retain * 1024})
}

func TestConformance(t *testing.T) {
	t.Parallel()
	streamtest.Run(t, open)
}
