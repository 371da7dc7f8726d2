// Tracing setup and propagation: a provider that exports only when configured, traceparent in and out.

package tracing

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Provider is a tracer provider and the way to flush and stop it.
type Provider struct {
	trace.TracerProvider
	shutdown func(context.Context) error
}

// Shutdown exports the spans still buffered and stops the exporter.
func (p Provider) Shutdown(ctx context.Context) error {
	if p.shutdown == nil {
		return nil
	}
	return p.shutdown(ctx)
}

// Off is the provider of a process without tracing: its spans cost next to nothing.
func Off() Provider { return Provider{TracerProvider: noop.NewTracerProvider()} }

// Enabled reports whether tp records spans: false for nil, Off() and any no-op provider, so
// that callers can leave out instrumentation whose only product would be discarded spans.
func Enabled(tp trace.TracerProvider) bool {
	if p, ok := tp.(Provider); ok {
		tp = p.TracerProvider
	}
	_, off := tp.(noop.TracerProvider)
	return tp != nil && !off
}

// New returns a provider that batches spans to the OTLP/HTTP endpoint (a URL such as
// http://collector:4318); an empty endpoint returns Off(). Errors: a malformed endpoint.
func New(ctx context.Context, endpoint, service, version string) (Provider, error) {
	if endpoint == "" {
		return Off(), nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return Provider{}, fmt.Errorf("tracing: OTEL_EXPORTER_OTLP_ENDPOINT %q is not a URL", endpoint)
	}
	// The variable names the collector's base URL; traces go to its /v1/traces, as the
	// OpenTelemetry specification has it for the signal-independent endpoint.
	u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/traces"
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(u.String()))
	if err != nil {
		return Provider{}, fmt.Errorf("tracing: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewSchemaless(semconv.ServiceName(service), semconv.ServiceVersion(version))))
	return Provider{TracerProvider: tp, shutdown: tp.Shutdown}, nil
}

// propagator reads and writes W3C trace context.
var propagator = propagation.TraceContext{}

// Inject returns the traceparent of the span in ctx, "" when there is none.
func Inject(ctx context.Context) string {
	c := propagation.MapCarrier{}
	propagator.Inject(ctx, c)
	return c["traceparent"]
}

// Extract returns ctx with the remote span traceparent names as its parent; an empty or
// malformed traceparent leaves ctx as it is.
func Extract(ctx context.Context, traceparent string) context.Context {
	if traceparent == "" {
		return ctx
	}
	return propagator.Extract(ctx, propagation.MapCarrier{"traceparent": traceparent})
}

// HTTPPropagator is the propagator the HTTP server reads incoming trace context with.
func HTTPPropagator() propagation.TextMapPropagator { return propagator }
