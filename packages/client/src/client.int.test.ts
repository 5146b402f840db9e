import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createApp,
  createRuntime,
  type RunningServer,
  type Runtime,
  startServer,
} from '@agent/api';
import { loadConfig } from '@agent/config';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DevOpsAgentClient, DevOpsAgentError } from './index.js';

const DNS_LOG = [
  'Nov 26 09:14:02 web-3 checkout[2211]: dial tcp: lookup orders.internal on 10.96.0.10:53: no such host',
  'Nov 26 09:14:07 web-3 checkout[2211]: GET /api/orders failed: context deadline exceeded',
].join('\n');

let dir: string;
let runtime: Runtime;
let server: RunningServer;

// The real API, listening on a free port in this process.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'devops-agent-client-'));
  const config = loadConfig({
    env: {
      DB_PATH: join(dir, 'client.db'),
      LOG_LEVEL: 'silent',
      API_KEYS: 'acme:acme-key',
      RATE_LIMIT_REQUESTS: '50',
    },
    envFile: false,
    cwd: dir,
  });
  runtime = await createRuntime(config);
  const { app, websocket } = createApp(runtime);
  server = await startServer({
    fetch: app.fetch,
    port: 0,
    host: '127.0.0.1',
    logger: runtime.logger,
    name: 'client test API',
    onClose: () => runtime.close(),
    websocket,
  });
});

afterAll(async () => {
  await server?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const client = (options: ConstructorParameters<typeof DevOpsAgentClient>[0] = {}) =>
  new DevOpsAgentClient({ baseUrl: server.url, apiKey: 'acme-key', ...options });

describe('DevOpsAgentClient against a listening API', () => {
  it('analyses a log and reads the incident back, typed end to end', async () => {
    const api = client();
    const result = await api.processLog({ log: DNS_LOG, include_trace: true });
    expect(result.category).toBe('dns_failure');
    expect(result.reasoning.trace.length).toBeGreaterThan(0);

    const incident = await api.getIncident(result.incident_id);
    expect(incident).toMatchObject({ incident_id: result.incident_id, tenant: 'acme' });

    const page = await api.listIncidents({ category: 'dns_failure', limit: 5 });
    expect(page.items.map((i) => i.incident_id)).toContain(result.incident_id);
    expect(page.next_cursor).toBeNull();
  });

  it('calls open routes, JSON and text', async () => {
    const api = client({ apiKey: undefined });
    expect((await api.getHealth()).status).toBe('ok');
    expect(await api.getMetrics()).toContain('# HELP');
    const docs = await api.getDocs();
    expect(docs.endpoints.some((e) => e.path === '/api/process_log')).toBe(true);
  });

  it('throws DevOpsAgentError with the contract body and status', async () => {
    const api = client();
    const error = await api.processLog({ log: '   ' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevOpsAgentError);
    const typed = error as DevOpsAgentError;
    expect(typed.status).toBe(400);
    expect(typed.code).toBe('validation_failed');
    expect(typed.body?.error.message).toBe('log: must not be blank');
    expect(typed.requestId).toBe(typed.response.headers.get('X-Request-Id'));
    expect(typed.message).toBe('validation_failed: log: must not be blank');

    const missing = await api.getIncident('no-such-incident').catch((e: DevOpsAgentError) => e);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('sends the key: without one a key route is 401, with a wrong one too', async () => {
    const none = await client({ apiKey: undefined })
      .getConfig()
      .catch((e: DevOpsAgentError) => e);
    expect(none).toMatchObject({ status: 401, code: 'unauthorized' });
    const wrong = await client({ apiKey: 'nope' })
      .getPlugins()
      .catch((e: DevOpsAgentError) => e);
    expect(wrong).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await client().getConfig()).websocket_url).toMatch(/^ws:\/\//);
  });
});

describe('retries', () => {
  /** A fetch that answers 503 (contract body) `failures` times, then passes through. */
  function flaky(failures: number) {
    const calls: string[] = [];
    const fetchImpl = vi.fn(async (input: Request | string | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      calls.push(request.method);
      if (calls.length <= failures) {
        return new Response(
          JSON.stringify({
            error: { code: 'store_unavailable', message: 'store down', request_id: 'r' },
          }),
          { status: 503, headers: { 'Content-Type': 'application/json', 'Retry-After': '0' } },
        );
      }
      return fetch(request);
    });
    return { calls, fetch: fetchImpl as unknown as typeof fetch };
  }

  it('retries an idempotent GET after a 503', async () => {
    const { calls, fetch } = flaky(1);
    const health = await client({ fetch }).getHealth();
    expect(health.status).toBe('ok');
    expect(calls).toEqual(['GET', 'GET']);
  });

  it('never retries a POST', async () => {
    const { calls, fetch } = flaky(1);
    const error = await client({ fetch })
      .processLog({ log: DNS_LOG })
      .catch((e: DevOpsAgentError) => e);
    expect(error).toMatchObject({ status: 503, code: 'store_unavailable' });
    expect(calls).toEqual(['POST']);
  });

  it('gives up after the configured number of retries', async () => {
    const { calls, fetch } = flaky(10);
    const error = await client({ fetch, retries: 1 })
      .getHealth()
      .catch((e: DevOpsAgentError) => e);
    expect(error).toMatchObject({ status: 503 });
    expect(calls).toHaveLength(2);
  });
});
