// Public surface of @agent/observability: logs (createLogger), metrics
// (createMetrics), traces (setupTracing, withSpan, injectTraceHeaders) and
// the Hono middleware (requestId, tracing, httpMetrics, accessLog). Anything
// not exported here is internal.
//
// The OpenTelemetry names re-exported below let apps type spans and test
// span trees without declaring OpenTelemetry packages themselves, which
// pnpm's strict layout would otherwise require.

// Types `c.get('requestId')` and `c.get('traceId')` for every importer.
import './middleware/context-variables.js';

export type { Attributes, Span, Tracer } from '@opentelemetry/api';
export { SpanKind, SpanStatusCode } from '@opentelemetry/api';
export type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
export { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
export {
  createLogger,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogDestination,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from './logger/create-logger.js';
export { REDACTED, SECRET_FIELD_NAMES } from './logger/redact-secrets.js';
export {
  createMetrics,
  type HttpLabel,
  type Metrics,
  type MetricsOptions,
} from './metrics/create-metrics.js';
export { accessLog } from './middleware/access-log/index.js';
export { type HttpMetricsInstruments, httpMetrics } from './middleware/http-metrics/index.js';
export {
  isValidRequestId,
  REQUEST_ID_HEADER,
  type RequestIdOptions,
  requestId,
} from './middleware/request-id/index.js';
export { methodLabel, routePattern, UNMATCHED_ROUTE } from './middleware/route-pattern.js';
export { tracing } from './middleware/tracing/index.js';
export { createLoggerSpanExporter } from './tracing/logger-span-exporter.js';
export {
  otlpTracesUrl,
  setupTracing,
  type Tracing,
  type TracingOptions,
} from './tracing/setup-tracing.js';
export { injectTraceHeaders } from './tracing/trace-headers.js';
export { withSpan } from './tracing/with-span.js';
