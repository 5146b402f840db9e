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
 * and answers 200 with an empty ExportTraceServiceResponse, as a collector does.
 */
async function otlpReceiverDouble(): Promise<{
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
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
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

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('OTLP/HTTP export', () => {
  it('posts spans to {base}/v1/traces when shut down', async () => {
    const receiver = await otlpReceiverDouble();
    cleanup = receiver.close;
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
      otlpEndpoint: receiver.baseUrl,
      logger,
    });

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
});
