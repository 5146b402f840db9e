import { AgentError, type Principal } from '@agent/core';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyring } from '../../keyring/keyring.js';
import { RateLimitedError } from '../../rate-limit/rate-limited-error.js';
import { createRateLimiter, type RateLimiter } from '../../rate-limit/rate-limiter.js';
import { apiKeyAuth } from '../api-key-auth/api-key-auth.js';
import { defaultRateLimitIdentity, rateLimit } from './rate-limit.js';

const limiters: RateLimiter[] = [];
afterEach(async () => {
  await Promise.all(limiters.splice(0).map((l) => l.close()));
});

/** An app shaped like ours: auth, then rate limit, one onError that builds a fresh response. */
async function appWith(requests: number, options: { freshErrorResponse?: boolean } = {}) {
  const limiter = await createRateLimiter({ requests, windowSec: 60 });
  limiters.push(limiter);
  const keyring = createKeyring({
    apiKeys: [
      { tenant: 'acme', key: 'k1' },
      { tenant: 'acme', key: 'k2' },
    ],
    adminKeys: [],
  });
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof RateLimitedError) {
      const body = JSON.stringify({ error: { code: error.code, message: error.message } });
      if (options.freshErrorResponse) {
        return new Response(body, { status: 429, headers: error.headers() });
      }
      return c.json(JSON.parse(body), 429);
    }
    if (error instanceof AgentError) return c.json({ error: { code: error.code } }, 400);
    return c.json({ error: { code: 'internal_error' } }, 500);
  });
  app.use('*', apiKeyAuth({ keyring, access: 'key' }));
  app.use('*', rateLimit({ limiter }));
  app.get('/', (c) => c.text('ok'));
  app.get('/raw', () => new Response('raw'));
  // Its headers are immutable: they cannot be written in place.
  app.get('/moved', () => Response.redirect('http://127.0.0.1/elsewhere', 302));
  app.get('/boom', () => {
    throw new AgentError('validation_failed', 'bad');
  });
  return app;
}

const asKey = (key: string) => ({ headers: { 'X-API-Key': key } });

describe('rateLimit', () => {
  it('sets the RateLimit-* headers on every response', async () => {
    const app = await appWith(3);
    const res = await app.request('/', asKey('k1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('RateLimit-Limit')).toBe('3');
    expect(res.headers.get('RateLimit-Remaining')).toBe('2');
    expect(Number(res.headers.get('RateLimit-Reset'))).toBeGreaterThan(0);
    expect(res.headers.get('Retry-After')).toBeNull();

    // A handler's own Response and an error response get them too.
    const raw = await app.request('/raw', asKey('k1'));
    expect(raw.headers.get('RateLimit-Remaining')).toBe('1');
    const failed = await app.request('/boom', asKey('k1'));
    expect(failed.status).toBe(400);
    expect(failed.headers.get('RateLimit-Remaining')).toBe('0');
  });

  it('puts the headers on a response whose own headers are immutable', async () => {
    const app = await appWith(3);
    const moved = await app.request('/moved', asKey('k1'));
    expect(moved.status).toBe(302);
    expect(moved.headers.get('Location')).toBe('http://127.0.0.1/elsewhere');
    expect(moved.headers.get('RateLimit-Remaining')).toBe('2');
  });

  it('answers 429 with Retry-After through an onError that uses c.json', async () => {
    const app = await appWith(1);
    expect((await app.request('/', asKey('k1'))).status).toBe(200);
    const res = await app.request('/', asKey('k1'));
    expect(res.status).toBe(429);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: 'rate_limited' } });
    const retryAfter = Number(res.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers.get('RateLimit-Remaining')).toBe('0');
    expect(res.headers.get('RateLimit-Limit')).toBe('1');
  });

  it('gives the error handler everything to build the 429 itself', async () => {
    const app = await appWith(1, { freshErrorResponse: true });
    await app.request('/', asKey('k1'));
    const res = await app.request('/', asKey('k1'));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(res.headers.get('RateLimit-Limit')).toBe('1');
    expect(res.headers.get('RateLimit-Remaining')).toBe('0');
  });

  it('counts per key', async () => {
    const app = await appWith(1);
    expect((await app.request('/', asKey('k1'))).status).toBe(200);
    expect((await app.request('/', asKey('k1'))).status).toBe(429);
    expect((await app.request('/', asKey('k2'))).status).toBe(200);
  });

  it('admits exactly the limit of 500 simultaneous requests', async () => {
    const app = await appWith(100);
    const statuses = await Promise.all(
      Array.from({ length: 500 }, async () => (await app.request('/', asKey('k1'))).status),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(400);
  });

  it('uses a custom identity when given one', async () => {
    const limiter = await createRateLimiter({ requests: 1, windowSec: 60 });
    limiters.push(limiter);
    const app = new Hono();
    app.onError((error, c) => c.json({ code: (error as AgentError).code }, 429));
    app.use('*', rateLimit({ limiter, identify: (c) => c.req.header('x-tenant') ?? 'none' }));
    app.get('/', (c) => c.text('ok'));
    const as = (tenant: string) => app.request('/', { headers: { 'x-tenant': tenant } });
    expect((await as('a')).status).toBe(200);
    expect((await as('a')).status).toBe(429);
    expect((await as('b')).status).toBe(200);
  });
});

describe('defaultRateLimitIdentity', () => {
  async function identityOf(env: unknown, principal?: Principal): Promise<string> {
    const app = new Hono();
    app.get('/', (c) => {
      if (principal) c.set('principal', principal);
      return c.text(defaultRateLimitIdentity(c));
    });
    return (await app.request('/', { headers: { 'X-Forwarded-For': '6.6.6.6' } }, env)).text();
  }
  const socketEnv = { incoming: { socket: { remoteAddress: '10.0.0.7' } } };

  it('is the key id when the caller has one', async () => {
    const principal = { keyId: 'abcdef012345', tenant: 'acme', role: 'user' } as const;
    expect(await identityOf(socketEnv, principal)).toBe('key:abcdef012345');
  });

  it('is the socket address for anonymous callers, never X-Forwarded-For', async () => {
    const anonymous = { keyId: null, tenant: 'default', role: 'anonymous' } as const;
    expect(await identityOf(socketEnv, anonymous)).toBe('ip:10.0.0.7');
    expect(await identityOf(socketEnv)).toBe('ip:10.0.0.7');
  });

  it.each([
    undefined,
    null,
    'text',
    {},
    { incoming: null },
    { incoming: { socket: 'x' } },
    { incoming: { socket: { remoteAddress: 42 } } },
    { incoming: { socket: { remoteAddress: '' } } },
  ])('falls back to one shared bucket when the address is unknown (%j)', async (env) => {
    expect(await identityOf(env)).toBe('ip:unknown');
  });
});
