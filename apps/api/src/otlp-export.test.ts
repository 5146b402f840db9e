import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@agent/config';
import { createLogger } from '@agent/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGS, postJson } from '../test/harness.js';
import { createApp } from './app.js';
import { createRuntime, type Runtime } from './runtime.js';

interface Received {
  method: string | undefined;
  url: string | undefined;
  contentType: string | undefined;
  body: string;
}

/**
 * Protocol double of an OTLP/HTTP collector on loopback: records each request
 * and answers 200 with an empty ExportTraceServiceResponse, as a collector does.
 */
async function otlpReceiverDouble() {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
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
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.baseUrl,
    },
    envFile: false,
    cwd: dir,
  });
  runtime = await createRuntime(config, {
    logger: createLogger({
      level: 'info',
      format: 'json',
      destination: { write: (l) => void logLines.push(l) },
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
    await until(() => receiver.received.some((r) => r.body.includes('POST /api/process_log')));
    const first = receiver.received.find((r) => r.body.includes('POST /api/process_log'))!;
    expect(first).toMatchObject({ method: 'POST', url: '/v1/traces' });
    expect(first.contentType).toMatch(/^application\/json/);
    expect(first.body).toContain('agent.ingest');
    expect(first.body).toContain('agent.record');
    expect(first.body).toContain('devops-agent-api');
    expect(first.body).not.toContain('no such host');

    // A span still in the batch when the runtime closes (what SIGTERM does) is sent before close resolves.
    const before = receiver.received.length;
    expect((await app.request('/api/health')).status).toBe(200);
    await runtime.close();
    const flushed = receiver.received.slice(before);
    expect(flushed.map((r) => r.url)).toContain('/v1/traces');
    expect(flushed.some((r) => r.body.includes('GET /api/health'))).toBe(true);
    // The exporter reported no failure through the logger.
    expect(logLines.filter((l) => l.includes('"component":"opentelemetry"'))).toEqual([]);
  });
});
