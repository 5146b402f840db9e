import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createMetrics, type HttpLabel, type Metrics } from '../../metrics/create-metrics.js';
import { httpMetrics } from './index.js';

// Sums the request counter over every series whose labels include the given ones.
async function sampleCount(
  metrics: Metrics,
  labels: Partial<Record<HttpLabel, string>>,
): Promise<number> {
  const { values } = await metrics.httpRequestsTotal.get();
  const wanted = Object.entries(labels) as Array<[HttpLabel, string]>;
  return values
    .filter((v) => wanted.every(([key, value]) => v.labels[key] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

function appWith(metrics: Metrics) {
  const app = new Hono();
  app.use('*', httpMetrics(metrics));
  app.get('/items/:id', (c) => c.json({ id: c.req.param('id') }));
  app.post('/items', (c) => c.json({}, 201));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.onError((_err, c) => c.json({ error: { code: 'internal_error' } }, 500));
  return app;
}

describe('httpMetrics', () => {
  it('labels requests with the route pattern, never the raw path', async () => {
    const metrics = createMetrics();
    const app = appWith(metrics);
    await app.request('/items/42');
    await app.request('/items/43?api_key=secret');

    expect(await sampleCount(metrics, { method: 'GET', route: '/items/:id', status: '200' })).toBe(
      2,
    );
    const { body } = await metrics.render();
    expect(body).toContain('http_requests_total{method="GET",route="/items/:id",status="200"} 2');
    expect(body).toContain(
      'http_request_duration_seconds_count{method="GET",route="/items/:id",status="200"} 2',
    );
    expect(body).not.toContain('/items/42');
    expect(body).not.toContain('api_key');
  });

  it('labels requests no endpoint matched as unmatched', async () => {
    const metrics = createMetrics();
    const app = appWith(metrics);
    await app.request('/nope/1');
    await app.request('/nope/2');
    await app.request('/items', { method: 'GET' });
    expect(await sampleCount(metrics, { method: 'GET', route: 'unmatched', status: '404' })).toBe(
      3,
    );
  });

  it('records errors answered by onError with their status', async () => {
    const metrics = createMetrics();
    const app = appWith(metrics);
    await app.request('/boom');
    await app.request('/items', { method: 'POST' });
    expect(await sampleCount(metrics, { route: '/boom', status: '500' })).toBe(1);
    expect(await sampleCount(metrics, { method: 'POST', route: '/items', status: '201' })).toBe(1);
  });

  it('keeps the method label bounded', async () => {
    const metrics = createMetrics();
    const app = appWith(metrics);
    await app.request('/items/1', { method: 'BREW' });
    expect(await sampleCount(metrics, { method: '_OTHER', route: 'unmatched' })).toBe(1);
  });

  it('uses the pattern when a middleware answers before the endpoint', async () => {
    const metrics = createMetrics();
    const app = new Hono();
    app.use('*', httpMetrics(metrics));
    app.use('/api/*', async (c, next) => {
      if (!c.req.header('x-api-key')) return c.json({ error: { code: 'unauthorized' } }, 401);
      await next();
    });
    app.get('/api/incidents/:id', (c) => c.json({}));
    await app.request('/api/incidents/abc');
    await app.request('/api/unknown');
    expect(await sampleCount(metrics, { route: '/api/incidents/:id', status: '401' })).toBe(1);
    expect(await sampleCount(metrics, { route: 'unmatched', status: '401' })).toBe(1);
  });

  it('checks its argument once', () => {
    expect(() => httpMetrics({} as Metrics)).toThrow(TypeError);
  });
});
