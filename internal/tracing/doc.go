// Package tracing sets up OpenTelemetry traces, exported over OTLP/HTTP only when an endpoint
// is configured (OTEL_EXPORTER_OTLP_ENDPOINT), and carries a trace across the queue as a W3C
// traceparent in the job, so that one execution is one trace from the HTTP request through
// admission, the queue, the worker, the sandbox run and the stored result.
package tracing
