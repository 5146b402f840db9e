import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger/create-logger.js';
import { setupTracing } from './setup-tracing.js';
import { withSpan } from './with-span.js';

interface ReceivedRequest {
  method: string | undefined;
  url: string | undefined;
  contentType: string | undefined;
  body: string;
}

/**
 * Protocol double of an OTLP/HTTP collector on loopback: records each request
 * and answers 200 with an empty ExportTraceServiceResponse, as a collector
 * does, or with `status` and a google.rpc.Status body, as one refusing does.
 */
async function otlpReceiverDouble(status = 200): Promise<{
  baseUrl: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
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
      const body = status === 200 ? '{}' : '{"code":3,"message":"invalid span batch"}';
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // The exporter keeps its connection alive; drop it so close() returns.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Tracing that exports to `endpoint`, and the lines its logger wrote. */
function tracingTo(endpoint: string) {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    format: 'json',
    destination: { write: (chunk) => void lines.push(...chunk.split(/(?<=\n)/)) },
  });
  const tracing = setupTracing({
    enabled: true,
    serviceName: 'otlp-test',
    serviceVersion: '9.9.9',
    otlpEndpoint: endpoint,
    logger,
  });
  return { tracing, lines };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('OTLP/HTTP export', () => {
  it('posts spans to {base}/v1/traces when shut down', async () => {
    const receiver = await otlpReceiverDouble();
    cleanup = receiver.close;
    const { tracing, lines } = tracingTo(receiver.baseUrl);

    await withSpan(tracing.tracer, 'pipeline.reason', { 'reasoning.cycles': 2 }, () => undefined);
    await tracing.shutdown();

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/traces');
    expect(request?.contentType).toMatch(/^application\/json/);
    expect(request?.body).toContain('pipeline.reason');
    expect(request?.body).toContain('otlp-test');
    // Nothing went to the logger: no span lines (OTLP is the exporter) and no export errors.
    expect(lines).toEqual([]);
  });

  it('says so in the log when the spans pending at shutdown cannot be exported', async () => {
    // 400 is not retried by the exporter: the failure comes at once.
    const receiver = await otlpReceiverDouble(400);
    cleanup = receiver.close;
    const { tracing, lines } = tracingTo(receiver.baseUrl);

    await withSpan(tracing.tracer, 'pipeline.reason', undefined, () => undefined);
    await expect(tracing.shutdown()).resolves.toBeUndefined();

    expect(receiver.received).toHaveLength(1);
    const warnings = lines.map((line) => JSON.parse(line)).filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ component: 'tracing', exporter: 'otlp' });
    expect(warnings[0].msg).toMatch(
      /^tracing: the spans pending at shutdown were not exported to http:\/\/127\.0\.0\.1:\d+\/v1\/traces: .+/,
    );
  });
});
