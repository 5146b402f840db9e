// Loopback receivers for the API's remediation tests, following the real
// wire protocols: a Slack incoming webhook (200 `ok` for a JSON body with
// `text`) and a runbook webhook that records each POST. Protocol doubles,
// not mocks: the actuators reach them over real sockets.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  json: unknown;
}

export interface ReceiverProtocolDouble {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

async function startReceiver(
  answer: (req: ReceivedRequest) => { status: number; body: string },
  delayMs = 0,
): Promise<ReceiverProtocolDouble> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let json: unknown;
      try {
        json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        json = undefined;
      }
      const request = { path: req.url ?? '', headers: req.headers, json };
      received.push(request);
      const { status, body } = answer(request);
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(body);
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Slack incoming webhook at `/services/T000/B000/XXXX`, answering after `delayMs`. */
export function startSlackProtocolDouble(delayMs = 0): Promise<ReceiverProtocolDouble> {
  return startReceiver((req) => {
    if (req.path !== '/services/T000/B000/XXXX') return { status: 404, body: 'no_service' };
    const text = (req.json as { text?: unknown } | undefined)?.text;
    return typeof text === 'string'
      ? { status: 200, body: 'ok' }
      : { status: 400, body: 'no_text' };
  }, delayMs);
}

/** A runbook-automation endpoint: accepts every POST after `delayMs`. */
export function startRunbookProtocolDouble(delayMs = 0): Promise<ReceiverProtocolDouble> {
  return startReceiver(() => ({ status: 202, body: '{"accepted":true}' }), delayMs);
}

/** A URL on which nothing listens. */
export async function refusedUrl(): Promise<string> {
  const double = await startReceiver(() => ({ status: 200, body: '' }));
  await double.close();
  return double.url;
}
