import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../logger/create-logger.js';
import { createLoggerSpanExporter } from './logger-span-exporter.js';

function capture(level: LogLevel = 'info') {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    format: 'json',
    base: { service: 'svc' },
    destination: { write: (chunk) => void lines.push(...chunk.split(/(?<=\n)/)) },
  });
  return { lines, logger };
}

/** Just what the exporter reads of a finished span. */
function span(fields: {
  name: string;
  parent?: string;
  kind?: SpanKind;
  status?: SpanStatusCode;
  attributes?: Record<string, unknown>;
}): ReadableSpan {
  return {
    name: fields.name,
    kind: fields.kind ?? SpanKind.INTERNAL,
    spanContext: () => ({ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: 1 }),
    parentSpanContext:
      fields.parent === undefined
        ? undefined
        : { traceId: 'ab'.repeat(16), spanId: fields.parent, traceFlags: 1 },
    duration: [0, 1_234_567],
    status: { code: fields.status ?? SpanStatusCode.UNSET },
    attributes: fields.attributes ?? {},
  } as unknown as ReadableSpan;
}

const withoutTime = (line: string) => line.replace(/"time":"[^"]*",/, '');

describe('the console span exporter', () => {
  it('writes each span as the line the logger writes for the same record, secrets scrubbed', () => {
    const spans = [
      span({ name: 'POST /api/process_log', kind: SpanKind.SERVER, attributes: { status: 200 } }),
      span({
        name: 'store."quoted"\nname \u2028',
        parent: 'ef'.repeat(8),
        status: SpanStatusCode.ERROR,
        attributes: { 'db.operation.name': 'findSimilar', apiKey: 'sk-live-123', nested: [1, 2] },
      }),
      span({ name: 'agent.mine', parent: '01'.repeat(8) }),
      // Not a kind or status the API defines: left out, as JSON.stringify leaves undefined out.
      span({ name: 'odd', kind: 99 as SpanKind, status: 7 as SpanStatusCode }),
    ];
    const exported = capture();
    let result: number | undefined;
    createLoggerSpanExporter(exported.logger).export(spans, (r) => {
      result = r.code;
    });
    expect(result).toBe(ExportResultCode.SUCCESS);

    // What pino itself writes for the same records.
    const expected = capture();
    const child = expected.logger.child({ component: 'tracing' });
    for (const s of spans) {
      child.info(
        {
          trace_id: s.spanContext().traceId,
          span_id: s.spanContext().spanId,
          parent_span_id: s.parentSpanContext?.spanId,
          span_name: s.name,
          span_kind: SpanKind[s.kind],
          duration_ms: 1.235,
          span_status: SpanStatusCode[s.status.code],
          attributes: s.attributes,
        },
        'span',
      );
    }
    expect(exported.lines.map(withoutTime)).toEqual(expected.lines.map(withoutTime));
    expect(exported.lines.join('')).not.toContain('sk-live-123');
    expect(JSON.parse(exported.lines[1] as string).attributes.apiKey).toBe('[REDACTED]');
  });

  it('writes nothing, and succeeds, when the logger is above info', () => {
    const quiet = capture('warn');
    let result: number | undefined;
    createLoggerSpanExporter(quiet.logger).export([span({ name: 'agent.mine' })], (r) => {
      result = r.code;
    });
    expect(result).toBe(ExportResultCode.SUCCESS);
    expect(quiet.lines).toEqual([]);
  });
});
