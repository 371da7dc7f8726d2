// Tests of the provider's on/off test, which decides whether HTTP requests are instrumented at all.

package tracing_test

import (
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"livecode/internal/tracing"
)

func TestEnabled(t *testing.T) {
	t.Parallel()
	sdk := sdktrace.NewTracerProvider()
	t.Cleanup(func() { _ = sdk.Shutdown(t.Context()) })
	for _, tc := range []struct {
		name string
		tp   trace.TracerProvider
		want bool
	}{
		{"nil", nil, false},
		{"Off", tracing.Off(), false},
		{"noop", noop.NewTracerProvider(), false},
		{"sdk", sdk, true},
		{"Provider around sdk", tracing.Provider{TracerProvider: sdk}, true},
	} {
		if got := tracing.Enabled(tc.tp); got != tc.want {
			t.Errorf("Enabled(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
