import { createLogger } from '@agent/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, postJson, readJson, type TestApi } from '../test/harness.js';
import { startServer } from './http/serve.js';
import { WEBSOCKET_PATH } from './routes/ws.js';

// Issue 6's hardening list as tests: secure headers on every answer (errors
// too), CORS off unless CORS_ORIGINS, server timeouts, and query and path
// validation on every route that takes them.

const USER_KEY = 'hardening-user-key';
const ADMIN_KEY = 'hardening-admin-key';
const KEYED = { API_KEYS: `tenant-a:${USER_KEY}`, ADMIN_KEYS: ADMIN_KEY };
const DUMMY_ID = '00000000-0000-4000-8000-000000000000';

function expectSecureHeaders(res: Response, label: string) {
  expect(res.headers.get('x-content-type-options'), label).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), label).toBe('SAMEORIGIN');
  expect(res.headers.get('referrer-policy'), label).toBe('no-referrer');
  expect(res.headers.get('strict-transport-security'), label).toMatch(/max-age=\d+/);
  expect(res.headers.get('cross-origin-resource-policy'), label).toBe('same-origin');
  expect(res.headers.get('x-powered-by'), label).toBeNull();
}

describe('secure headers and CORS off by default', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(KEYED);
  });
  afterAll(async () => {
    await api.close();
  });

  it('every route answers with the secure headers, whatever the outcome', async () => {
    for (const route of api.routes.entries()) {
      const path = route.path.replace(/\{[^}/]+\}/g, DUMMY_ID);
      for (const headers of [{}, { 'X-API-Key': ADMIN_KEY }] as Record<string, string>[]) {
        const res = await api.app.request(path, {
          method: route.method,
          headers,
          ...(route.method === 'POST' ? { body: '{' } : {}),
        });
        expectSecureHeaders(res, `${route.method} ${route.path}: ${res.status}`);
      }
    }
  });

  it('unknown paths (404) and wrong methods (405) carry them too', async () => {
    expectSecureHeaders(await api.app.request('/nope'), '404');
    expectSecureHeaders(await api.app.request('/api/health', { method: 'DELETE' }), '405');
  });

  it('no CORS header is sent, and a preflight is not granted, without CORS_ORIGINS', async () => {
    const simple = await api.app.request('/api/health', {
      headers: { Origin: 'https://evil.example' },
    });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await api.app.request('/api/process_log', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-api-key, content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    expect(preflight.status).toBeGreaterThanOrEqual(400);
  });
});

describe('CORS with CORS_ORIGINS', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi({ ...KEYED, CORS_ORIGINS: 'https://ops.example.com' });
  });
  afterAll(async () => {
    await api.close();
  });

  it('grants a listed origin and only that one', async () => {
    const preflight = await api.app.request('/api/process_log', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://ops.example.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-api-key, content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'x-api-key',
    );
    const other = await api.app.request('/api/health', {
      headers: { Origin: 'https://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('server timeouts', () => {
  it('the listening server bounds header, request and keep-alive times', async () => {
    const api = await createTestApi();
    const running = await startServer({
      fetch: api.app.fetch,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger({ level: 'silent', format: 'json' }),
      name: 'timeouts',
      onClose: async () => {},
    });
    try {
      const http = running.server as unknown as import('node:http').Server;
      for (const value of [http.headersTimeout, http.requestTimeout, http.keepAliveTimeout]) {
        expect(value).toBeGreaterThan(0);
        expect(Number.isFinite(value)).toBe(true);
      }
      expect(http.headersTimeout).toBeLessThanOrEqual(http.requestTimeout);
    } finally {
      await running.shutdown();
      await api.close();
    }
  });
});

describe('query and path validation on every route', () => {
  let api: TestApi;
  const as = { headers: { 'X-API-Key': ADMIN_KEY } };
  beforeAll(async () => {
    api = await createTestApi(KEYED);
  });
  afterAll(async () => {
    await api.close();
  });

  async function expectValidationError(path: string, field: string) {
    const res = await api.app.request(path, as);
    expect(res.status, path).toBe(400);
    const body = await readJson(res);
    expect(body.error.code, path).toBe('validation_failed');
    expect(body.error.message, path).toContain(field);
    expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
  }

  it('every list route refuses a limit outside 1-200 and a cursor it did not issue', async () => {
    const lists = api.routes
      .entries()
      .filter(
        (r) =>
          r.method === 'GET' && ['/api/incidents', '/api/actions', '/api/audit'].includes(r.path),
      );
    expect(lists).toHaveLength(3);
    for (const { path } of lists) {
      for (const limit of ['0', '201', 'abc', '-1', '1.5', '']) {
        await expectValidationError(`${path}?limit=${limit}`, 'limit');
      }
      await expectValidationError(`${path}?cursor=not-a-cursor-%ff`, 'cursor');
      const ok = await api.app.request(`${path}?limit=200`, as);
      expect(ok.status, path).toBe(200);
    }
  });

  it('incident filters are checked', async () => {
    await expectValidationError('/api/incidents?since=yesterday', 'since');
    await expectValidationError('/api/incidents?until=2026-13-45', 'until');
    await expectValidationError('/api/incidents?severity=apocalyptic', 'severity');
    await expectValidationError('/api/actions?status=exploded', 'status');
  });

  it('ids that name nothing, well formed or not, answer 404 on every id route', async () => {
    const idRoutes = api.routes.entries().filter((r) => r.path.includes('{'));
    expect(idRoutes.length).toBeGreaterThanOrEqual(4);
    for (const route of idRoutes) {
      for (const id of [
        DUMMY_ID,
        'not-an-id',
        '%00',
        '%ff%fe',
        'x'.repeat(1000),
        '..%2f..%2fetc',
      ]) {
        const path = route.path.replace(/\{[^}/]+\}/g, id);
        const init =
          route.method === 'POST'
            ? postJson({ helpful: true }, as.headers)
            : { ...as, method: route.method };
        const res = await api.app.request(path, init);
        expect(res.status, `${route.method} ${path.slice(0, 80)}`).toBe(404);
      }
    }
  });

  it('a plain GET of the WebSocket route is a 400 asking for an upgrade', async () => {
    const res = await api.app.request(WEBSOCKET_PATH, as);
    expect(res.status).toBe(400);
    expect(res.headers.get('upgrade')).toBe('websocket');
  });
});
