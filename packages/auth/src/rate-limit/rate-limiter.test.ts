import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import {
  type AddressInfo,
  createConnection,
  createServer,
  type Server,
  type Socket,
} from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limiter.js';

const REDIS_URL = process.env.TEST_REDIS_URL || null;
if (!REDIS_URL) console.warn('SKIP: Redis rate-limit suite — TEST_REDIS_URL is not set');

/** One prefix per run, so runs (and CI jobs sharing a Redis) never see each other's counters. */
const RUN_PREFIX = `test:${randomUUID()}`;
let suffix = 0;
const uniquePrefix = () => `${RUN_PREFIX}:${++suffix}`;

const opened: RateLimiter[] = [];
async function open(options: RateLimiterOptions): Promise<RateLimiter> {
  const limiter = await createRateLimiter(options);
  opened.push(limiter);
  return limiter;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((limiter) => limiter.close()));
});

afterAll(async () => {
  if (!REDIS_URL) return;
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`agent:rl:${RUN_PREFIX}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

async function admittedOf(limiter: RateLimiter, attempts: number, id = 'client'): Promise<number> {
  const decisions = await Promise.all(Array.from({ length: attempts }, () => limiter.consume(id)));
  return decisions.filter((d) => d.allowed).length;
}

const BACKENDS = [
  { name: 'memory', redisUrl: null },
  ...(REDIS_URL ? [{ name: 'redis', redisUrl: REDIS_URL }] : []),
] as const;

describe.each(BACKENDS)('rate limiter on $name', ({ name, redisUrl }) => {
  const make = (requests: number, windowSec: number) =>
    open({ requests, windowSec, redisUrl, keyPrefix: uniquePrefix() });

  it('admits exactly the limit out of 500 simultaneous requests', async () => {
    const limiter = await make(100, 60);
    expect(await admittedOf(limiter, 500)).toBe(100);
    expect(limiter.status()).toEqual({ backend: name, degraded: false });
  });

  it('reports limit, remaining, reset and retry-after', async () => {
    const limiter = await make(2, 30);
    const first = await limiter.consume('a');
    expect(first).toMatchObject({ allowed: true, limit: 2, remaining: 1, retryAfterSec: 0 });
    expect(first.resetSec).toBeGreaterThan(0);
    expect(first.resetSec).toBeLessThanOrEqual(30);
    expect(await limiter.consume('a')).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await limiter.consume('a');
    expect(refused).toMatchObject({ allowed: false, limit: 2, remaining: 0 });
    expect(refused.retryAfterSec).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSec).toBeLessThanOrEqual(30);
  });

  it('counts each identity on its own', async () => {
    const limiter = await make(1, 30);
    expect((await limiter.consume('a')).allowed).toBe(true);
    expect((await limiter.consume('a')).allowed).toBe(false);
    expect((await limiter.consume('b')).allowed).toBe(true);
  });

  it('admits again once the window has passed', async () => {
    const limiter = await make(1, 1);
    expect((await limiter.consume('a')).allowed).toBe(true);
    expect((await limiter.consume('a')).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await limiter.consume('a')).allowed).toBe(true);
  });
});

describe('createRateLimiter options', () => {
  it.each([0, -1, 1.5, Number.NaN])('refuses requests = %s', async (requests) => {
    await expect(createRateLimiter({ requests, windowSec: 60 })).rejects.toThrow(TypeError);
  });

  it.each([0, 0.5, Number.POSITIVE_INFINITY])('refuses windowSec = %s', async (windowSec) => {
    await expect(createRateLimiter({ requests: 1, windowSec })).rejects.toThrow(TypeError);
  });
});

describe('rate limiter with Redis down', () => {
  it('starts, reports degraded and still limits exactly in memory', async () => {
    const logger = { warn: vi.fn() };
    const started = Date.now();
    const limiter = await open({
      requests: 100,
      windowSec: 60,
      redisUrl: 'redis://:secret-password@127.0.0.1:1',
      logger,
      keyPrefix: uniquePrefix(),
    });
    expect(Date.now() - started).toBeLessThan(3000);

    const status = limiter.status();
    expect(status).toMatchObject({ backend: 'redis', degraded: true });
    expect(status.error).toContain('ECONNREFUSED');
    expect(status.error).not.toContain('secret-password');

    expect(await admittedOf(limiter, 500)).toBe(100);
    // One warning for the outage, not one per reconnect attempt.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('secret-password');
  });
});

describe.skipIf(!REDIS_URL)('rate limiter on Redis (shared and recovering)', () => {
  it('shares one limit between replicas', async () => {
    const keyPrefix = uniquePrefix();
    const options = { requests: 100, windowSec: 60, redisUrl: REDIS_URL, keyPrefix };
    const [a, b] = await Promise.all([open(options), open(options)]);
    const admitted = await Promise.all([admittedOf(a, 250), admittedOf(b, 250)]);
    expect(admitted[0] + admitted[1]).toBe(100);
  });

  it('recovers by itself when Redis comes back', async () => {
    const relay = createRelay(REDIS_URL as string);
    const port = await freePort();
    const logger = { warn: vi.fn(), info: vi.fn() };
    const keyPrefix = uniquePrefix();
    const limiter = await open({
      requests: 5,
      windowSec: 60,
      redisUrl: relayUrl(REDIS_URL as string, port),
      logger,
      keyPrefix,
      connectTimeoutMs: 500,
    });
    expect(limiter.status().degraded).toBe(true);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    // Limited in memory meanwhile.
    expect((await limiter.consume('x')).remaining).toBe(4);

    relay.server.listen(port, '127.0.0.1');
    await once(relay.server, 'listening');
    try {
      await vi.waitFor(() => expect(limiter.status().degraded).toBe(false), {
        timeout: 5000,
        interval: 50,
      });
      expect(logger.info).toHaveBeenCalledTimes(1);

      // Counted in Redis now: a second replica sees the same count.
      await limiter.consume('x');
      const other = await open({ requests: 5, windowSec: 60, redisUrl: REDIS_URL, keyPrefix });
      expect((await other.consume('x')).remaining).toBe(3);
    } finally {
      relay.close();
    }
  });

  it('falls back to memory when Redis drops while running, and still limits', async () => {
    const relay = createRelay(REDIS_URL as string);
    const port = await freePort();
    relay.server.listen(port, '127.0.0.1');
    await once(relay.server, 'listening');
    const logger = { warn: vi.fn() };
    const limiter = await open({
      requests: 100,
      windowSec: 60,
      redisUrl: relayUrl(REDIS_URL as string, port),
      logger,
      keyPrefix: uniquePrefix(),
    });
    expect(limiter.status().degraded).toBe(false);

    relay.close();
    await vi.waitFor(() => expect(limiter.status().degraded).toBe(true), { timeout: 2000 });
    expect(await admittedOf(limiter, 500)).toBe(100);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('falls back to memory when a Redis command hangs, and says so', async () => {
    const relay = createRelay(REDIS_URL as string);
    const port = await freePort();
    relay.server.listen(port, '127.0.0.1');
    await once(relay.server, 'listening');
    const limiter = await open({
      requests: 3,
      windowSec: 60,
      redisUrl: relayUrl(REDIS_URL as string, port),
      keyPrefix: uniquePrefix(),
      commandTimeoutMs: 200,
    });
    try {
      relay.blackhole();
      const decisions = await Promise.all([1, 2, 3, 4].map(() => limiter.consume('y')));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect(limiter.status()).toMatchObject({
        backend: 'redis',
        degraded: true,
        error: 'a Redis command failed or timed out',
      });
    } finally {
      relay.close();
    }
  });
});

/** A TCP relay to the real Redis that can be started late, cut, or told to swallow traffic. */
function createRelay(redisUrl: string) {
  const target = new URL(redisUrl);
  const sockets = new Set<Socket>();
  let swallow = false;
  const server = createServer((client) => {
    const upstream = createConnection(Number(target.port || 6379), target.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      if (!swallow) upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  return {
    server,
    blackhole: () => {
      swallow = true;
    },
    close: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

function relayUrl(redisUrl: string, port: number): string {
  const url = new URL(redisUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

async function freePort(): Promise<number> {
  const probe: Server = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
