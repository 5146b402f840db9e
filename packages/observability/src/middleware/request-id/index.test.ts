import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it, vi } from 'vitest';
import { REQUEST_ID_HEADER, requestId } from './index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function appWithRoutes() {
  const app = new Hono();
  app.use('*', requestId());
  app.get('/echo', (c) => c.json({ id: c.get('requestId') }));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.get('/denied', () => {
    throw new HTTPException(403, { message: 'no' });
  });
  app.get('/bare', () => new Response('built by hand'));
  app.get('/redirect', () => Response.redirect('http://example.test/elsewhere', 302));
  return app;
}

describe('requestId', () => {
  it('keeps a well-formed incoming id and exposes it as c.var.requestId', async () => {
    const res = await appWithRoutes().request('/echo', {
      headers: { 'X-Request-Id': 'abc.DEF_1:2-3' },
    });
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('abc.DEF_1:2-3');
    expect(await res.json()).toEqual({ id: 'abc.DEF_1:2-3' });
  });

  it('generates a UUID when the header is missing', async () => {
    const res = await appWithRoutes().request('/echo');
    const id = res.headers.get(REQUEST_ID_HEADER);
    expect(id).toMatch(UUID);
    expect(await res.json()).toEqual({ id });
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['a space', 'has space'],
    ['a quote', 'x"y'],
    ['a slash', 'a/b'],
    ['empty', ''],
  ])('replaces an incoming id with %s', async (_label, incoming) => {
    const res = await appWithRoutes().request('/echo', { headers: { 'X-Request-Id': incoming } });
    expect(res.headers.get(REQUEST_ID_HEADER)).toMatch(UUID);
  });

  it('accepts an id of exactly 128 characters', async () => {
    const id = 'a'.repeat(128);
    const res = await appWithRoutes().request('/echo', { headers: { 'X-Request-Id': id } });
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe(id);
  });

  it('uses a custom generator', async () => {
    const app = new Hono();
    app.use(requestId({ generate: () => 'fixed-id' }));
    app.get('/', (c) => c.text('ok'));
    expect((await app.request('/')).headers.get(REQUEST_ID_HEADER)).toBe('fixed-id');
    expect(() => requestId({ generate: 'nope' as unknown as () => string })).toThrow(TypeError);
  });

  describe('is on every response', () => {
    it('a handler Response built without the context, and an immutable redirect', async () => {
      const app = appWithRoutes();
      const bare = await app.request('/bare', { headers: { 'X-Request-Id': 'bare-1' } });
      expect(bare.headers.get(REQUEST_ID_HEADER)).toBe('bare-1');
      expect(await bare.text()).toBe('built by hand');
      const redirect = await app.request('/redirect', { headers: { 'X-Request-Id': 'redir-1' } });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get(REQUEST_ID_HEADER)).toBe('redir-1');
    });

    it('errors handled by the default handler (500 and HTTPException)', async () => {
      // Hono's default error handler prints the error; keep test output clean.
      const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
      const app = appWithRoutes();
      const boom = await app.request('/boom', { headers: { 'X-Request-Id': 'boom-1' } });
      expect(boom.status).toBe(500);
      expect(boom.headers.get(REQUEST_ID_HEADER)).toBe('boom-1');
      const denied = await app.request('/denied', { headers: { 'X-Request-Id': 'denied-1' } });
      expect(denied.status).toBe(403);
      expect(denied.headers.get(REQUEST_ID_HEADER)).toBe('denied-1');
      consoleError.mockRestore();
    });

    it('an onError that builds its own Response and uses the id in the body', async () => {
      const app = appWithRoutes();
      app.onError(
        (_err, c) =>
          new Response(
            JSON.stringify({ error: { code: 'internal_error', request_id: c.get('requestId') } }),
            {
              status: 500,
              headers: { 'content-type': 'application/json' },
            },
          ),
      );
      const res = await app.request('/boom', { headers: { 'X-Request-Id': 'err-1' } });
      expect(res.status).toBe(500);
      expect(res.headers.get(REQUEST_ID_HEADER)).toBe('err-1');
      expect(await res.json()).toEqual({ error: { code: 'internal_error', request_id: 'err-1' } });
    });

    it('an onError that uses c.json', async () => {
      const app = appWithRoutes();
      app.onError((_err, c) => c.json({ error: { code: 'internal_error' } }, 500));
      const res = await app.request('/boom');
      expect(res.status).toBe(500);
      expect(res.headers.get(REQUEST_ID_HEADER)).toMatch(UUID);
    });

    it('the default 404 and a notFound that builds its own Response', async () => {
      const app = appWithRoutes();
      const plain = await app.request('/missing', { headers: { 'X-Request-Id': 'nf-1' } });
      expect(plain.status).toBe(404);
      expect(plain.headers.get(REQUEST_ID_HEADER)).toBe('nf-1');

      app.notFound(() => new Response('{"error":{"code":"not_found"}}', { status: 404 }));
      const custom = await app.request('/missing', { headers: { 'X-Request-Id': 'nf-2' } });
      expect(custom.status).toBe(404);
      expect(custom.headers.get(REQUEST_ID_HEADER)).toBe('nf-2');
    });

    it('a 404 when the request id middleware is the only thing that matched', async () => {
      // Hono takes a shortcut when a single handler matches; the id must survive it.
      const app = new Hono();
      app.use('*', requestId());
      app.notFound(() => new Response('nope', { status: 404 }));
      const res = await app.request('/anything', { headers: { 'X-Request-Id': 'solo-1' } });
      expect(res.status).toBe(404);
      expect(res.headers.get(REQUEST_ID_HEADER)).toBe('solo-1');
    });

    it('HEAD requests', async () => {
      const res = await appWithRoutes().request('/echo', {
        method: 'HEAD',
        headers: { 'X-Request-Id': 'head-1' },
      });
      expect(res.headers.get(REQUEST_ID_HEADER)).toBe('head-1');
    });
  });
});
