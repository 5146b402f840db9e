import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, LOGS, postJson, readJson, type TestApi } from '../test/harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ MAX_LOG_BYTES: '2048' });
});
afterAll(async () => {
  await api.close();
});

async function expectError(res: Response, status: number, code: string, message?: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const requestId = res.headers.get('x-request-id');
  expect(requestId).toMatch(/\S+/);
  const body = await readJson(res);
  expect(body).toEqual({ error: { code, message: expect.any(String), request_id: requestId } });
  if (message) expect(body.error.message).toMatch(message);
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at /);
  return body;
}

describe('request errors', () => {
  it('malformed JSON is 400 invalid_json', async () => {
    await expectError(
      await api.app.request('/api/process_log', postJson('{"log": ')),
      400,
      'invalid_json',
    );
  });

  it('a missing or wrong field is 400 validation_failed naming the field', async () => {
    await expectError(
      await api.app.request('/api/process_log', postJson({})),
      400,
      'validation_failed',
      /^log/,
    );
    await expectError(
      await api.app.request('/api/process_log', postJson({ log: 'x', mode: 'AUTO' })),
      400,
      'validation_failed',
      /^mode/,
    );
    await expectError(
      await api.app.request('/api/process_log', postJson({ log: '   ' })),
      400,
      'validation_failed',
      /^log: must not be blank/,
    );
    await expectError(
      await api.app.request('/api/process_log', postJson({ log: 'x', context: { host: 7 } })),
      400,
      'validation_failed',
      /^context\.host/,
    );
  });

  it('a body that is not JSON is 415', async () => {
    await expectError(
      await api.app.request('/api/process_log', {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: LOGS.healthy,
      }),
      415,
      'unsupported_media_type',
    );
  });

  it('a compressed body (gzip, deflate, br) is analysed as the plain one is', async () => {
    const plain = JSON.stringify({ log: LOGS.oomCrashLoop });
    const expected = await readJson(await api.app.request('/api/process_log', postJson(plain)));
    for (const [encoding, body] of [
      ['gzip', gzipSync(plain)],
      ['deflate', deflateSync(plain)],
      ['br', brotliCompressSync(plain)],
    ] as const) {
      const res = await api.app.request('/api/process_log', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding },
        body,
      });
      expect(res.status, encoding).toBe(200);
      expect((await readJson(res)).category).toBe(expected.category);
    }
  });

  it('a compressed body is held to MAX_LOG_BYTES once decompressed, and must decompress', async () => {
    const post = (encoding: string, body: Uint8Array | string) =>
      api.app.request('/api/process_log', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding },
        body,
      });
    // About 60 bytes on the wire, 100 KB inflated: over this API's 2,048.
    const bomb = gzipSync(JSON.stringify({ log: 'x'.repeat(100_000) }));
    expect(bomb.length).toBeLessThan(2048);
    await expectError(await post('gzip', bomb), 413, 'payload_too_large', /once decompressed/);
    await expectError(
      await post('gzip', JSON.stringify({ log: 'ERROR x' })),
      400,
      'validation_failed',
      /^request body is not valid gzip data: incorrect header check$/,
    );
    await expectError(
      await post('compress', JSON.stringify({ log: 'ERROR x' })),
      415,
      'unsupported_media_type',
      /Content-Encoding "compress"/,
    );
  });

  it('a POST without a body is 400 naming the body', async () => {
    await expectError(
      await api.app.request('/api/process_log', { method: 'POST' }),
      400,
      'validation_failed',
      /body/,
    );
  });

  it('nesting past the depth limit is refused before parsing', async () => {
    const deep = `{"log":"x","context":${'['.repeat(100)}${']'.repeat(100)}}`;
    await expectError(
      await api.app.request('/api/process_log', postJson(deep)),
      400,
      'validation_failed',
      /deeper/,
    );
  });

  it('a body over MAX_LOG_BYTES is 413 from its Content-Length', async () => {
    const big = JSON.stringify({ log: 'E'.repeat(4096) });
    await expectError(
      await api.app.request(
        '/api/process_log',
        postJson(big, { 'Content-Length': String(big.length) }),
      ),
      413,
      'payload_too_large',
    );
  });

  it('a streamed body over MAX_LOG_BYTES is 413 without reading it all', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
      },
    });
    const res = await api.app.request('/api/process_log', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectError(res, 413, 'payload_too_large');
    expect(pulled).toBeLessThan(10);
  });

  it('an unknown route is 404 and a known path with another method is 405', async () => {
    await expectError(await api.app.request('/api/nope'), 404, 'not_found', /GET \/api\/nope/);
    await expectError(await api.app.request('/nope', { method: 'DELETE' }), 404, 'not_found');
    const res = await api.app.request('/api/process_log');
    await expectError(res, 405, 'method_not_allowed', /POST/);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('an id that names nothing is 404, whatever its shape', async () => {
    for (const id of [
      'b0e4b7b2-4a4e-4a8e-9d55-1f7a3f1c0f00',
      'x'.repeat(500),
      '%27%20OR%201%3D1',
    ]) {
      await expectError(await api.app.request(`/api/incidents/${id}`), 404, 'not_found');
    }
  });

  it('a malformed cursor or filter is 400 naming it', async () => {
    await expectError(
      await api.app.request('/api/incidents?cursor=***'),
      400,
      'validation_failed',
      /cursor/,
    );
    await expectError(
      await api.app.request('/api/incidents?limit=0'),
      400,
      'validation_failed',
      /limit/,
    );
    await expectError(
      await api.app.request('/api/incidents?since=yesterday'),
      400,
      'validation_failed',
      /since/,
    );
    await expectError(
      await api.app.request(
        '/api/incidents?since=2026-11-27T10:00:00Z&until=2026-11-26T10:00:00%2B02:00',
      ),
      400,
      'validation_failed',
      /^until: must be later than since$/,
    );
  });

  it('voting for an unknown plugin is 404 naming the known plugins', async () => {
    await expectError(
      await api.app.request('/api/vote_plugin', postJson({ plugin: 'ansible', direction: 'up' })),
      404,
      'not_found',
      /notify, webhook, command/,
    );
  });

  it('auto mode in open mode is 403 forbidden', async () => {
    await expectError(
      await api.app.request('/api/process_log', postJson({ log: LOGS.oomCrashLoop, mode: 'auto' })),
      403,
      'forbidden',
    );
  });

  it('keeps an incoming well-formed request id and replaces a bad one', async () => {
    const kept = await api.app.request('/api/nope', {
      headers: { 'X-Request-Id': 'trace-abc.123' },
    });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
    expect((await readJson(kept)).error.request_id).toBe('trace-abc.123');
    const replaced = await api.app.request('/api/health', {
      headers: { 'X-Request-Id': 'bad id\u0001' },
    });
    expect(replaced.headers.get('x-request-id')).not.toBe('bad id\u0001');
  });
});

describe('with API keys', () => {
  let keyed: TestApi;
  beforeAll(async () => {
    keyed = await createTestApi({ API_KEYS: 'acme:user-key-1', ADMIN_KEYS: 'admin-key-1' });
  });
  afterAll(async () => {
    await keyed.close();
  });

  it('key routes need a configured key, in the header or the query', async () => {
    await expectError(
      await keyed.app.request('/api/process_log', postJson({ log: 'x' })),
      401,
      'unauthorized',
    );
    await expectError(
      await keyed.app.request('/api/process_log', postJson({ log: 'x' }, { 'X-API-Key': 'wrong' })),
      401,
      'unauthorized',
    );
    const ok = await keyed.app.request(
      '/api/process_log',
      postJson({ log: LOGS.healthy }, { 'X-API-Key': 'user-key-1' }),
    );
    expect(ok.status).toBe(200);
    const viaQuery = await keyed.app.request('/api/plugins?api_key=user-key-1');
    expect(viaQuery.status).toBe(200);
  });

  it('open routes stay open and /api/config never shows a key', async () => {
    expect((await keyed.app.request('/api/health')).status).toBe(200);
    const config = await keyed.app.request('/api/config', {
      headers: { 'X-API-Key': 'admin-key-1' },
    });
    expect(config.status).toBe(200);
    const text = await config.text();
    expect(text).not.toContain('user-key-1');
    expect(text).not.toContain('admin-key-1');
  });

  it('incidents stay inside their tenant', async () => {
    const res = await keyed.app.request(
      '/api/process_log',
      postJson({ log: LOGS.oomCrashLoop }, { 'X-API-Key': 'user-key-1' }),
    );
    const { incident_id } = await readJson(res);
    const own = await keyed.app.request(`/api/incidents/${incident_id}`, {
      headers: { 'X-API-Key': 'user-key-1' },
    });
    expect((await readJson(own)).tenant).toBe('acme');
    const admin = await keyed.app.request(`/api/incidents/${incident_id}`, {
      headers: { 'X-API-Key': 'admin-key-1' },
    });
    expect(admin.status).toBe(200);
  });
});

describe('store failures', () => {
  it('process_log answers 503 store_unavailable and /api/ready reports it', async () => {
    const broken = await createTestApi();
    await broken.runtime.store.close();
    await expectError(
      await broken.app.request('/api/process_log', postJson({ log: LOGS.oomCrashLoop })),
      503,
      'store_unavailable',
    );
    const ready = await broken.app.request('/api/ready');
    expect(ready.status).toBe(503);
    expect((await readJson(ready)).status).toBe('unavailable');
    await broken.close();
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After and RateLimit headers once a key spends its window', async () => {
    const limited = await createTestApi({ API_KEYS: 'k-limited', RATE_LIMIT_REQUESTS: '2' });
    const get = () =>
      limited.app.request('/api/plugins', { headers: { 'X-API-Key': 'k-limited' } });
    expect((await get()).status).toBe(200);
    const second = await get();
    expect(second.headers.get('ratelimit-limit')).toBe('2');
    expect(second.headers.get('ratelimit-remaining')).toBe('0');
    const refused = await get();
    const body = await expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(body.error.message).not.toContain('k-limited');
    const metrics = await (await limited.app.request('/api/metrics')).text();
    expect(metrics).toMatch(/agent_rate_limited_total 1/);
    await limited.close();
  });
});
