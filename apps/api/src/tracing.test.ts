import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@agent/config';
import {
  createLogger,
  InMemorySpanExporter,
  type ReadableSpan,
  SpanKind,
} from '@agent/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGS, postJson, readJson } from '../test/harness.js';
import { createApp } from './app.js';
import { createRuntime, type Runtime } from './runtime.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';
const PASSWORD = 'Hunter2-marker-9c1f7e';
const LOG = [
  LOGS.oomCrashLoop,
  `2026-11-20T10:03:13Z ERROR payments-api db login failed user=ledger password=${PASSWORD}`,
].join('\n');

let dir: string;
let runtime: Runtime;
let app: ReturnType<typeof createApp>['app'];
const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'devops-agent-tracing-'));
  const config = loadConfig({
    env: {
      DB_PATH: join(dir, 'knowledge.db'),
      ENABLE_TRACING: 'true',
      // A configured actuator, so policy is asked (safe mode only plans: nothing is sent).
      NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
    },
    envFile: false,
    cwd: dir,
  });
  runtime = await createRuntime(config, {
    logger: createLogger({ level: 'silent', format: 'json' }),
    spanExporter: exporter,
  });
  ({ app } = createApp(runtime));
});
afterAll(async () => {
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every string an exporter would ship for a span: attributes, event attributes, status. */
function shippedStrings(span: ReadableSpan): string[] {
  const values: unknown[] = [
    span.name,
    span.status.message,
    ...Object.values(span.attributes),
    ...span.events.flatMap((e) => [e.name, ...Object.values(e.attributes ?? {})]),
    ...Object.values(span.resource.attributes),
  ];
  return values.flat().filter((v): v is string => typeof v === 'string');
}

describe('the span tree of one POST /api/process_log', () => {
  let spans: ReadableSpan[];
  let incidentId: string;

  beforeAll(async () => {
    exporter.reset();
    const res = await app.request(
      '/api/process_log',
      postJson({ log: LOG }, { traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` }),
    );
    expect(res.status).toBe(200);
    incidentId = (await readJson(res)).incident_id;
    await runtime.tracing.forceFlush();
    spans = exporter.getFinishedSpans();
  });

  it('has a SERVER span continuing the incoming trace', () => {
    const servers = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(servers).toHaveLength(1);
    const [server] = servers;
    expect(server?.name).toBe('POST /api/process_log');
    expect(server?.spanContext().traceId).toBe(TRACE_ID);
    expect(server?.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    expect(server?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/api/process_log',
      'http.response.status_code': 200,
    });
  });

  it('has every pipeline stage beneath it, in the same trace', () => {
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const underServer = (span: ReadableSpan): boolean => {
      for (let p = span.parentSpanContext?.spanId; p; p = byId.get(p)?.parentSpanContext?.spanId) {
        if (p === server.spanContext().spanId) return true;
      }
      return false;
    };
    // Work outside any request (retention at start-up) has traces of its own.
    const others = spans.filter((s) => s !== server && s.spanContext().traceId === TRACE_ID);
    for (const span of others) {
      expect({ name: span.name, underServer: underServer(span) }).toEqual({
        name: span.name,
        underServer: true,
      });
    }
    const stages = others.map((s) => s.name).filter((n) => n.startsWith('agent.'));
    for (const stage of [
      'agent.ingest',
      'agent.mine',
      'agent.signal',
      'agent.recall',
      'agent.reason',
      'agent.plan',
      'agent.govern',
      'agent.record',
    ]) {
      expect(stages).toContain(stage);
    }
    // No LLM is configured here: no LLM stage ran, so none is traced.
    expect(stages).not.toContain('agent.llm');
    // Store queries and policy decisions have spans too, inside their stages.
    const name = (id: string | undefined) => (id ? byId.get(id)?.name : undefined);
    const queries = others.filter((s) => s.name.startsWith('store.'));
    expect(queries.length).toBeGreaterThan(0);
    for (const query of queries) {
      expect(query.attributes['db.operation.name']).toBe(query.name.slice('store.'.length));
    }
    const decisions = others.filter((s) => s.name === 'policy.decide');
    expect(decisions.length).toBeGreaterThan(0);
    for (const decision of decisions) {
      expect(name(decision.parentSpanContext?.spanId)).toBe('agent.govern');
      expect(decision.attributes).toMatchObject({
        'policy.engine': expect.any(String),
        'policy.decision': expect.stringMatching(/^(allowed|denied|approval_required)$/),
        'action.plugin': expect.any(String),
      });
    }
  });

  it('never ships log text or secrets in span attributes', () => {
    expect(spans.length).toBeGreaterThan(1);
    const lines = LOG.split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    const fragments = [PASSWORD, 'OutOfMemoryError', 'Java heap space', 'Back-off restarting'];
    for (const span of spans) {
      for (const value of shippedStrings(span)) {
        for (const fragment of fragments) expect(value).not.toContain(fragment);
        for (const line of lines) expect(value).not.toContain(line);
      }
    }
    expect(incidentId).toMatch(/\S/);
  });
});
