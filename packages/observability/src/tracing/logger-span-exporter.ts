import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type Logger, writeLogLines } from '../logger/create-logger.js';

/**
 * A console exporter that writes each finished span as a log line through
 * the service logger. OpenTelemetry's ConsoleSpanExporter prints with
 * console.dir, which would put non-log text on stdout under LOG_FORMAT=json/kv.
 * A batch of spans is written in one call (see writeLogLines).
 */
export function createLoggerSpanExporter(logger: Logger): SpanExporter {
  const spanLogger = logger.child({ component: 'tracing' });
  let stopped = false;

  return {
    export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
      if (stopped) {
        resultCallback({
          code: ExportResultCode.FAILED,
          error: new Error('span exporter is shut down'),
        });
        return;
      }
      writeLogLines(
        spanLogger,
        'info',
        spans.map((span) => {
          const { traceId, spanId } = span.spanContext();
          return {
            trace_id: traceId,
            span_id: spanId,
            parent_span_id: span.parentSpanContext?.spanId,
            span_name: span.name,
            span_kind: SpanKind[span.kind],
            duration_ms: Math.round(hrTimeToMilliseconds(span.duration) * 1000) / 1000,
            span_status: SpanStatusCode[span.status.code],
            attributes: span.attributes,
          };
        }),
        'span',
      );
      resultCallback({ code: ExportResultCode.SUCCESS });
    },
    async shutdown(): Promise<void> {
      stopped = true;
    },
    async forceFlush(): Promise<void> {},
  };
}
