import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type Logger, type Scrub, writeLogLines } from '../logger/create-logger.js';

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
      // Span lines are info lines: below that level they are not written,
      // so do not build them (setupTracing warns about this at start-up).
      if (!spanLogger.isLevelEnabled('info')) {
        resultCallback({ code: ExportResultCode.SUCCESS });
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
        spanFields,
      );
      resultCallback({ code: ExportResultCode.SUCCESS });
    },
    async shutdown(): Promise<void> {
      stopped = true;
    },
    async forceFlush(): Promise<void> {},
  };
}

interface SpanRecord extends Record<string, unknown> {
  trace_id: string;
  span_id: string;
  parent_span_id: string | undefined;
  span_name: string;
  span_kind: string | undefined;
  duration_ms: number;
  span_status: string | undefined;
  attributes: Attributes;
}

/**
 * A span line's members, written out rather than by JSON.stringify of the
 * whole record and a walk of it for secret names: one span line per stage
 * and query made that a visible part of what tracing costs a request. The
 * ids are lowercase hex (the SDK generates them, and its propagator accepts
 * no other from a traceparent header), the kind and status are enum names
 * and the duration a finite number, so they go in as they are; the name and
 * the attributes, scrubbed first, go through JSON.stringify. The text is what
 * JSON.stringify writes for the record (an undefined member left out).
 */
function spanFields(span: SpanRecord, scrub: Scrub): string {
  let fields = `"trace_id":"${span.trace_id}","span_id":"${span.span_id}"`;
  if (span.parent_span_id !== undefined) fields += `,"parent_span_id":"${span.parent_span_id}"`;
  fields += `,"span_name":${JSON.stringify(span.span_name)}`;
  if (span.span_kind !== undefined) fields += `,"span_kind":"${span.span_kind}"`;
  fields += `,"duration_ms":${Number.isFinite(span.duration_ms) ? span.duration_ms : null}`;
  if (span.span_status !== undefined) fields += `,"span_status":"${span.span_status}"`;
  return `${fields},"attributes":${JSON.stringify(scrub(span.attributes))}`;
}
