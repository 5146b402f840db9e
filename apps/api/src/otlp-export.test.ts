import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLoopbackServer } from '@agent/adapters/testing';
import { loadConfig } from '@agent/config';
import { createLogger } from '@agent/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGS, postJson } from '../test/harness.js';
import { createApp } from './app.js';
import { createRuntime, type Runtime } from './runtime.js';

/**
 * Protocol double of an OTLP/HTTP collector on loopback: records each request
 * and answers 200 with an empty ExportTraceServiceResponse, as a collector does.
 */
function otlpReceiverDouble() {
  return startLoopbackServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
}

async function until(check: () => boolean): Promise<void> {
  // Bounded by the suite timeout, not by a wall-clock assertion.
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

let dir: string;
let receiver: Awaited<ReturnType<typeof otlpReceiverDouble>>;
let runtime: Runtime;
let app: ReturnType<typeof createApp>['app'];
const logLines: string[] = [];

beforeAll(async () => {
  receiver = await otlpReceiverDouble();
  dir = mkdtempSync(join(tmpdir(), 'devops-agent-otlp-'));
  const config = loadConfig({
    env: {
      DB_PATH: join(dir, 'knowledge.db'),
      ENABLE_TRACING: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    },
    envFile: false,
    cwd: dir,
  });
  runtime = await createRuntime(config, {
    logger: createLogger({
      level: 'info',
      format: 'json',
      destination: { write: (chunk) => void logLines.push(...chunk.split(/(?<=\n)/)) },
    }),
  });
  ({ app } = createApp(runtime));
});
afterAll(async () => {
  await runtime?.close();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OTLP/HTTP export from the API runtime', () => {
  it('posts the spans of a request to {endpoint}/v1/traces, then flushes the rest on shutdown', async () => {
    const res = await app.request('/api/process_log', postJson({ log: LOGS.dnsTimeouts }));
    expect(res.status).toBe(200);
    // The batch processor exports on its own schedule; no flush is asked for.
    await until(() => receiver.requests.some((r) => r.body.includes('POST /api/process_log')));
    const first = receiver.requests.find((r) => r.body.includes('POST /api/process_log'))!;
    expect(first).toMatchObject({ method: 'POST', path: '/v1/traces' });
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect(first.body).toContain('agent.ingest');
    expect(first.body).toContain('agent.record');
    expect(first.body).toContain('devops-agent-api');
    expect(first.body).not.toContain('no such host');

    // A span still in the batch when the runtime closes (what SIGTERM does) is sent before close resolves.
    const before = receiver.requests.length;
    expect((await app.request('/api/health')).status).toBe(200);
    await runtime.close();
    const flushed = receiver.requests.slice(before);
    expect(flushed.map((r) => r.path)).toContain('/v1/traces');
    expect(flushed.some((r) => r.body.includes('GET /api/health'))).toBe(true);
    // The exporter reported no failure through the logger.
    expect(logLines.filter((l) => l.includes('"component":"opentelemetry"'))).toEqual([]);
  });
});
