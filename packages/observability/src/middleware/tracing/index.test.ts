import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../logger/create-logger.js';
import { setupTracing, type Tracing } from '../../tracing/setup-tracing.js';
import { injectTraceHeaders } from '../../tracing/trace-headers.js';
import { withSpan } from '../../tracing/with-span.js';
import { tracing } from './index.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_SPAN_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`;

const silentLogger = createLogger({ level: 'silent', format: 'json', destination: { write() {} } });
let active: Tracing | undefined;

function tracedApp() {
  const exporter = new InMemorySpanExporter();
  active = setupTracing({
    enabled: true,
    serviceName: 'observability-test',
    serviceVersion: '0.0.0',
    exporter,
    logger: silentLogger,
  });
  const { tracer } = active;
  const app = new Hono();
  app.use('*', tracing(tracer));
  app.get('/items/:id', async (c) => {
    const outgoing = await withSpan(tracer, 'pipeline.recall', { 'incident.category': 'oom' }, () =>
      injectTraceHeaders({} as Record<string, string>),
    );
    return c.json({ traceId: c.get('traceId'), outgoing });
  });
  app.get('/boom', () => {
    throw new Error('kaput');
  });
  app.onError((_err, c) => c.json({ error: { code: 'internal_error' } }, 500));
  return { app, exporter, tracing: active };
}

afterEach(async () => {
  await active?.shutdown();
  active = undefined;
});

describe('tracing middleware', () => {
  it('continues the incoming trace with a SERVER span named by the route pattern', async () => {
    const { app, exporter, tracing: t } = tracedApp();
    const res = await app.request('/items/42?api_key=sk-secret', {
      headers: { traceparent: TRACEPARENT },
    });
    const body = (await res.json()) as { traceId: string; outgoing: Record<string, string> };
    await t.forceFlush();

    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    expect(server?.name).toBe('GET /items/:id');
    expect(server?.spanContext().traceId).toBe(TRACE_ID);
    expect(server?.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    expect(server?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/items/:id',
      'url.path': '/items/42',
      'http.response.status_code': 200,
    });
    expect(JSON.stringify(server?.attributes)).not.toContain('api_key');
    expect(body.traceId).toBe(TRACE_ID);

    // The stage span is a child of the request span, and outgoing calls carry it on.
    const stage = spans.find((s) => s.name === 'pipeline.recall');
    expect(stage?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(stage?.attributes).toEqual({ 'incident.category': 'oom' });
    expect(body.outgoing.traceparent).toBe(`00-${TRACE_ID}-${stage?.spanContext().spanId}-01`);
  });

  it('starts a new trace without traceparent and names unmatched requests by method only', async () => {
    const { app, exporter, tracing: t } = tracedApp();
    const res = await app.request('/items/1');
    const { traceId } = (await res.json()) as { traceId: string };
    await app.request('/missing/9');
    await t.forceFlush();

    const servers = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
    expect(servers.map((s) => s.name)).toEqual(['GET /items/:id', 'GET']);
    expect(servers[0]?.parentSpanContext).toBeUndefined();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(TRACE_ID);
    expect(servers[1]?.attributes).not.toHaveProperty('http.route');
    expect(servers[1]?.attributes['http.response.status_code']).toBe(404);
  });

  it('records the exception and marks 5xx spans as errors', async () => {
    const { app, exporter, tracing: t } = tracedApp();
    await app.request('/boom');
    await t.forceFlush();
    const [server] = exporter.getFinishedSpans();
    expect(server?.name).toBe('GET /boom');
    expect(server?.status.code).toBe(SpanStatusCode.ERROR);
    expect(server?.attributes['http.response.status_code']).toBe(500);
    expect(server?.events.map((e) => e.name)).toContain('exception');
    expect(server?.events[0]?.attributes?.['exception.message']).toBe('kaput');
  });

  it('does nothing when tracing is disabled', async () => {
    const disabled = setupTracing({ enabled: false, serviceName: 'x', serviceVersion: '0' });
    const app = new Hono();
    app.use('*', tracing(disabled.tracer));
    app.get('/', (c) =>
      c.json({ traceId: c.get('traceId') ?? null, active: trace.getActiveSpan() ?? null }),
    );
    const res = await app.request('/', { headers: { traceparent: TRACEPARENT } });
    expect(await res.json()).toEqual({ traceId: null, active: null });
  });

  it('checks its argument once', () => {
    expect(() => tracing({} as never)).toThrow(TypeError);
  });
});
