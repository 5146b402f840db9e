import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { routePattern } from './route-pattern.js';

// Records the pattern seen by an outer middleware, before and after next().
function probe() {
  const seen: string[] = [];
  const app = new Hono();
  app.use('*', async function patternProbe(c, next) {
    const before = routePattern(c);
    await next();
    seen.push(before, routePattern(c));
  });
  return { app, seen };
}

describe('routePattern', () => {
  it('gives the endpoint pattern before and after next()', async () => {
    const { app, seen } = probe();
    app.get('/items/:id', (c) => c.text('ok'));
    await app.request('/items/42');
    expect(seen).toEqual(['/items/:id', '/items/:id']);
  });

  it('includes the prefix of a mounted sub-app, also when the sub-app has its own onError', async () => {
    const { app, seen } = probe();
    const api = new Hono();
    api.use('*', async (_c, next) => next());
    api.get('/incidents/:id', (c) => c.text('ok'));
    api.onError((_e, c) => c.text('sub error', 500));
    app.route('/api', api);
    await app.request('/api/incidents/7');
    await app.request('/api/other');
    expect(seen).toEqual(['/api/incidents/:id', '/api/incidents/:id', 'unmatched', 'unmatched']);
  });

  it('treats app.all endpoints as endpoints and app.all middleware as middleware', async () => {
    const { app, seen } = probe();
    app.all('/any/*', async (_c, next) => next());
    app.all('/hello', (c) => c.text('hi'));
    await app.request('/hello', { method: 'PUT' });
    await app.request('/any/thing');
    expect(seen).toEqual(['/hello', '/hello', 'unmatched', 'unmatched']);
  });

  it('uses the last endpoint when route middleware is chained before it', async () => {
    const { app, seen } = probe();
    app.get(
      '/chain/:id',
      async (_c, next) => next(),
      (c) => c.text('ok'),
    );
    await app.request('/chain/1');
    expect(seen).toEqual(['/chain/:id', '/chain/:id']);
  });
});
