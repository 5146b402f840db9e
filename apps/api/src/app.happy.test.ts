import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, LOGS, postJson, readJson, type TestApi } from '../test/harness.js';
import { AnalysisResultSchema, IncidentSchema } from './schemas/process-log.js';

let api: TestApi;
beforeAll(async () => {
  // Repeated logs are separate incidents here (paging needs several); storms
  // are tested in routes/incidents.happy.test.ts.
  api = await createTestApi({ DEDUP_WINDOW_SEC: '0' });
});
afterAll(async () => {
  await api.close();
});

describe('service routes', () => {
  it('GET /api/health reports liveness, version and licence status', async () => {
    const res = await api.app.request('/api/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/\S+/);
    const body = await readJson(res);
    expect(body).toMatchObject({ status: 'ok', version: api.runtime.version });
    expect(typeof body.uptime_s).toBe('number');
    expect(body.license).toEqual({ required: false, valid: expect.any(Boolean), expires_at: null });
  });

  it('GET /api/ready checks the store', async () => {
    const res = await api.app.request('/api/ready');
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ status: 'ok', checks: { store: { ok: true } } });
  });

  it('GET /api/config shows configuration in open mode', async () => {
    const res = await api.app.request('/api/config');
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.version).toBe(api.runtime.version);
    expect(body.port).toBe(5000);
  });

  it('GET /api/docs lists every route with its auth level', async () => {
    const res = await api.app.request('/api/docs');
    const body = (await readJson(res)) as {
      endpoints: { method: string; path: string; auth: string }[];
    };
    const listed = body.endpoints.map((e) => `${e.method} ${e.path} ${e.auth}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        'GET /api/health none',
        'GET /api/ready none',
        'GET /api/config key',
        'GET /api/docs none',
        'GET /api/openapi.json none',
        'GET /api/reference none',
        'GET /api/metrics none',
        'POST /api/process_log key',
        'POST /api/vote_plugin key',
        'GET /api/plugins key',
        'GET /api/incidents key',
        'GET /api/incidents/{id} key',
      ]),
    );
    expect(body.endpoints).toHaveLength(api.routes.entries().length);
  });

  it('GET /api/openapi.json is an OpenAPI 3.1 document of every route with the key schemes', async () => {
    const res = await api.app.request('/api/openapi.json');
    const doc = await readJson(res);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['ApiKeyHeader', 'ApiKeyQuery']);
    for (const route of api.routes.entries()) {
      expect(
        doc.paths[route.path]?.[route.method.toLowerCase()],
        `${route.method} ${route.path}`,
      ).toBeDefined();
    }
    expect(doc.paths['/api/process_log'].post.security).toEqual([
      { ApiKeyHeader: [] },
      { ApiKeyQuery: [] },
    ]);
    expect(doc.components.schemas.ProcessLogRequest.required).toContain('log');
  });

  it('GET /api/reference serves the interactive reference page', async () => {
    const res = await api.app.request('/api/reference');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('/api/openapi.json');
  });

  it('GET /api/metrics exposes Prometheus text with route patterns', async () => {
    await api.app.request('/api/incidents/does-not-exist');
    const res = await api.app.request('/api/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toContain('http_requests_total');
    expect(text).toContain('route="/api/incidents/:id"');
    expect(text).not.toContain('does-not-exist');
  });
});

describe('POST /api/process_log', () => {
  it('answers the contract shape and stores the incident', async () => {
    const res = await api.app.request('/api/process_log', postJson({ log: LOGS.oomCrashLoop }));
    expect(res.status).toBe(200);
    const body = AnalysisResultSchema.parse(await readJson(res));
    expect(body.category).toBe('oom');
    expect(body.mode).toBe('safe');
    expect(body.actions.every((a) => a.status === 'dry_run')).toBe(true);
    expect(body.reasoning.trace.length).toBeGreaterThan(0);
    expect(body.evidence[0]?.line).toBeGreaterThanOrEqual(1);

    const stored = await api.app.request(`/api/incidents/${body.incident_id}`);
    expect(stored.status).toBe(200);
    const incident = IncidentSchema.parse(await readJson(stored));
    expect(incident).toMatchObject({
      incident_id: body.incident_id,
      tenant: 'default',
      occurrences: 1,
    });
    expect(incident.category).toBe('oom');
  });

  it('names the earliest failure as the root cause', async () => {
    const res = await api.app.request('/api/process_log', postJson({ log: LOGS.dnsTimeouts }));
    expect((await readJson(res)).category).toBe('dns_failure');
  });

  it('leaves the trace empty with include_trace false and takes context', async () => {
    const res = await api.app.request(
      '/api/process_log',
      postJson({
        log: LOGS.healthy,
        include_trace: false,
        llm_config: { strategy: 'classic' },
        context: { service: 'web', environment: 'staging' },
      }),
    );
    const body = await readJson(res);
    expect(body.category).toBe('none');
    expect(body.reasoning).toMatchObject({ strategy: 'classic', cycles: 1, trace: [] });
  });
});

describe('plugins and votes', () => {
  it('POST /api/vote_plugin tallies votes per plugin and category', async () => {
    const first = await api.app.request(
      '/api/vote_plugin',
      postJson({ plugin: 'webhook', direction: 'up', category: 'oom' }),
    );
    expect(first.status).toBe(200);
    expect(await readJson(first)).toMatchObject({
      plugin: 'webhook',
      category: 'oom',
      up: 1,
      down: 0,
    });
    const second = await api.app.request(
      '/api/vote_plugin',
      postJson({ plugin: 'webhook', direction: 'down' }),
    );
    expect(await readJson(second)).toMatchObject({
      plugin: 'webhook',
      category: null,
      up: 0,
      down: 1,
      score: 0,
    });
  });

  it('GET /api/plugins lists operations with JSON schemas of their parameters', async () => {
    const res = await api.app.request('/api/plugins');
    const body = await readJson(res);
    const names = body.items.map((p: { name: string }) => p.name);
    expect(names).toEqual(['notify', 'webhook', 'command']);
    const send = body.items[0].operations[0];
    expect(send).toMatchObject({ name: 'send', risk: 'low' });
    expect(send.params.type).toBe('object');
  });
});

describe('GET /api/incidents', () => {
  it('pages newest first with a cursor and filters by category', async () => {
    for (let i = 0; i < 3; i++) {
      await api.app.request('/api/process_log', postJson({ log: LOGS.healthy }));
    }
    const first = await readJson(await api.app.request('/api/incidents?limit=2'));
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await readJson(
      await api.app.request(
        `/api/incidents?limit=2&cursor=${encodeURIComponent(first.next_cursor)}`,
      ),
    );
    const firstIds = first.items.map((i: { incident_id: string }) => i.incident_id);
    for (const item of second.items) expect(firstIds).not.toContain(item.incident_id);

    const none = await readJson(await api.app.request('/api/incidents?category=none&limit=200'));
    expect(none.items.length).toBeGreaterThanOrEqual(3);
    expect(none.items.every((i: { category: string }) => i.category === 'none')).toBe(true);
  });
});
