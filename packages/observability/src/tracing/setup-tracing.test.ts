import { diag, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResultCode, globalErrorHandler } from '@opentelemetry/core';
import { InMemorySpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type LogFormat, type LogLevel } from '../logger/create-logger.js';
import { otlpTracesUrl, setupTracing, type Tracing } from './setup-tracing.js';
import { injectTraceHeaders } from './trace-headers.js';
import { withSpan } from './with-span.js';

function capturingLogger(format: LogFormat = 'json', level: LogLevel = 'info') {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    format,
    // Span lines come in one write per exported batch: one entry per line.
    destination: { write: (chunk) => void lines.push(...chunk.split(/(?<=\n)/)) },
  });
  return { lines, logger };
}

let active: Tracing | undefined;
afterEach(async () => {
  await active?.shutdown();
  active = undefined;
});

describe('otlpTracesUrl', () => {
  it.each([
    ['http://collector:4318', 'http://collector:4318/v1/traces'],
    ['http://collector:4318/', 'http://collector:4318/v1/traces'],
    ['https://otel.example.com/ingest', 'https://otel.example.com/ingest/v1/traces'],
  ])('%s -> %s', (base, url) => {
    expect(otlpTracesUrl(base)).toBe(url);
  });

  it('rejects what is not an http(s) URL', () => {
    expect(() => otlpTracesUrl('collector:4318')).toThrow(TypeError);
    expect(() => otlpTracesUrl('not a url')).toThrow(TypeError);
    expect(() =>
      setupTracing({ enabled: true, serviceName: 's', serviceVersion: '1', otlpEndpoint: 'nope' }),
    ).toThrow(/otlpEndpoint/);
  });
});

describe('setupTracing disabled', () => {
  it('hands out a tracer that records nothing and registers nothing', async () => {
    const tracing = setupTracing({ enabled: false, serviceName: 'svc', serviceVersion: '1.0.0' });
    expect(tracing.enabled).toBe(false);
    const seen = await withSpan(tracing.tracer, 'stage', { n: 1 }, (span) => ({
      recording: span.isRecording(),
      headers: injectTraceHeaders({} as Record<string, string>),
    }));
    expect(seen).toEqual({ recording: false, headers: {} });
    await tracing.shutdown();
  });
});

describe('setupTracing enabled', () => {
  it('writes spans through the logger when no endpoint is set, as log lines only', async () => {
    const { lines, logger } = capturingLogger('json');
    active = setupTracing({ enabled: true, serviceName: 'svc', serviceVersion: '1.2.3', logger });
    await withSpan(active.tracer, 'pipeline.mine', { 'log.lines': 12 }, async () => {
      await withSpan(active!.tracer, 'store.query', undefined, () => 'ok');
    });
    await active.shutdown();

    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const spans = records.filter((r) => r.msg === 'span');
    expect(spans.map((s) => s.span_name)).toEqual(['store.query', 'pipeline.mine']);
    const [child, parent] = spans;
    expect(parent).toMatchObject({
      level: 'info',
      component: 'tracing',
      span_kind: 'INTERNAL',
      span_status: 'UNSET',
      attributes: { 'log.lines': 12 },
    });
    expect(parent?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(child?.trace_id).toBe(parent?.trace_id);
    expect(child?.parent_span_id).toBe(parent?.span_id);
    expect(typeof parent?.duration_ms).toBe('number');
  });

  it('warns at start-up when spans go to the log but the level hides them, and writes none', async () => {
    const { lines, logger } = capturingLogger('json', 'warn');
    active = setupTracing({ enabled: true, serviceName: 'svc', serviceVersion: '1', logger });
    await withSpan(active.tracer, 'pipeline.mine', undefined, () => 'ok');
    await active.shutdown();
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 'warn', tracing: 'console' });
    expect(records[0]?.msg).toMatch(/log level is warn: no span will be written .*LOG_LEVEL=info/);
  });

  it('does not warn about the log level when spans go to OTLP', () => {
    const { lines, logger } = capturingLogger('json', 'warn');
    active = setupTracing({
      enabled: true,
      serviceName: 'svc',
      serviceVersion: '1',
      otlpEndpoint: 'http://127.0.0.1:4318',
      logger,
    });
    expect(lines).toEqual([]);
  });

  it('writes console spans as logfmt under the kv format', async () => {
    const { lines, logger } = capturingLogger('kv');
    active = setupTracing({ enabled: true, serviceName: 'svc', serviceVersion: '1', logger });
    await withSpan(
      active.tracer,
      'policy.decide',
      { 'policy.decision': 'allowed' },
      () => undefined,
    );
    await active.shutdown();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^time=\S+ level=info msg=span component=tracing trace_id=[0-9a-f]{32} /,
    );
    expect(lines[0]).toContain(' span_name=policy.decide ');
    expect(lines[0]).toContain(' attributes.policy.decision=allowed');
  });

  it('routes OpenTelemetry diagnostics through the logger; an export error by its message and code', async () => {
    const { lines, logger } = capturingLogger('json');
    active = setupTracing({
      enabled: true,
      serviceName: 'svc',
      serviceVersion: '1',
      logger,
      exporter: new InMemorySpanExporter(),
    });
    diag.warn('exporter is unhappy', new Error('connection refused'));
    diag.info('below the diag level');
    // The SDK's global error handler passes a failed export as the error's JSON, stack and all.
    globalErrorHandler(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318'), { code: 'ECONNREFUSED' }),
    );
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        level: 'warn',
        component: 'opentelemetry',
        msg: 'exporter is unhappy',
        details: ['Error: connection refused'],
      }),
      expect.objectContaining({
        level: 'error',
        component: 'opentelemetry',
        code: 'ECONNREFUSED',
        msg: 'OpenTelemetry: connect ECONNREFUSED 127.0.0.1:4318',
      }),
    ]);
    expect(lines.join('')).not.toContain('stack');
  });

  it('withSpan records a thrown error, marks the span failed and rethrows', async () => {
    const exporter = new InMemorySpanExporter();
    active = setupTracing({ enabled: true, serviceName: 'svc', serviceVersion: '1', exporter });
    await expect(
      withSpan(active.tracer, 'actuator.call', { 'actuator.plugin': 'webhook' }, () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await active.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events[0]?.attributes?.['exception.message']).toBe('refused');
  });

  it('samples as OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG say (the SDK reads them)', async () => {
    const saved = { ...process.env };
    try {
      process.env.OTEL_TRACES_SAMPLER = 'traceidratio';
      process.env.OTEL_TRACES_SAMPLER_ARG = '0';
      const exporter = new InMemorySpanExporter();
      active = setupTracing({ enabled: true, serviceName: 'svc', serviceVersion: '1', exporter });
      for (let i = 0; i < 20; i++) await withSpan(active.tracer, 'agent.mine', undefined, () => i);
      await active.forceFlush();
      expect(exporter.getFinishedSpans()).toEqual([]);
      await active.shutdown();

      process.env.OTEL_TRACES_SAMPLER_ARG = '1';
      const every = new InMemorySpanExporter();
      active = setupTracing({
        enabled: true,
        serviceName: 'svc',
        serviceVersion: '1',
        exporter: every,
      });
      await withSpan(active.tracer, 'agent.mine', undefined, () => 1);
      await active.forceFlush();
      expect(every.getFinishedSpans().map((s) => s.name)).toEqual(['agent.mine']);
    } finally {
      process.env = saved;
    }
  });

  it('withSpan ends the span when the promise settles, failed on a rejection', async () => {
    const exporter = new InMemorySpanExporter();
    active = setupTracing({ enabled: true, serviceName: 'svc', serviceVersion: '1', exporter });
    let release = () => {};
    const pending = withSpan(active.tracer, 'store.query', undefined, () => {
      return new Promise<string>((resolve) => {
        release = () => resolve('rows');
      });
    });
    await active.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    release();
    await expect(pending).resolves.toBe('rows');
    await expect(
      withSpan(active.tracer, 'policy.decide', undefined, async () => {
        throw new Error('opa down');
      }),
    ).rejects.toThrow('opa down');
    await active.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s.status.code])).toEqual([
      ['store.query', SpanStatusCode.UNSET],
      ['policy.decide', SpanStatusCode.ERROR],
    ]);
    expect(spans[1]?.events[0]?.attributes?.['exception.message']).toBe('opa down');
  });

  it('injects W3C trace context into outgoing Headers inside a span', async () => {
    active = setupTracing({
      enabled: true,
      serviceName: 'svc',
      serviceVersion: '1',
      exporter: new InMemorySpanExporter(),
    });
    const { headers, spanId, traceId } = await withSpan(
      active.tracer,
      'llm.call',
      undefined,
      (span) => ({
        headers: injectTraceHeaders(new Headers({ accept: 'application/json' })),
        ...span.spanContext(),
      }),
    );
    expect(headers.get('traceparent')).toBe(`00-${traceId}-${spanId}-01`);
    expect(headers.get('accept')).toBe('application/json');
  });

  it('flushes pending spans on shutdown, once, and frees the global registration', async () => {
    const exported: string[] = [];
    const recordingExporter: SpanExporter = {
      export(spans, done) {
        exported.push(...spans.map((s) => s.name));
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => {},
    };
    const first = setupTracing({
      enabled: true,
      serviceName: 'svc',
      serviceVersion: '1',
      exporter: recordingExporter,
    });
    first.tracer.startSpan('pending').end();
    // Still waiting in the batch (the delay is seconds), as it would be at SIGTERM.
    expect(exported).toEqual([]);
    await Promise.all([first.shutdown(), first.shutdown()]);
    expect(exported).toEqual(['pending']);

    expect(trace.getTracer('x').startSpan('after').isRecording()).toBe(false);
    active = setupTracing({
      enabled: true,
      serviceName: 'svc',
      serviceVersion: '2',
      exporter: new InMemorySpanExporter(),
    });
    expect(trace.getTracer('x').startSpan('again').isRecording()).toBe(true);
  });
});
