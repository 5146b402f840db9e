import type { Principal } from '@agent/core';
import type { Context, MiddlewareHandler } from 'hono';
import { RateLimitedError } from '../../rate-limit/rate-limited-error.js';
import type { RateLimitDecision, RateLimiter } from '../../rate-limit/rate-limiter.js';

export interface RateLimitOptions {
  readonly limiter: RateLimiter;
  /** Who is being counted. Default: `defaultRateLimitIdentity`. */
  readonly identify?: (c: Context) => string;
}

/**
 * Per key when the caller has one (so a tenant behind one NAT address is not
 * throttled by its neighbours), else per client address. The address is the
 * socket's peer as @hono/node-server exposes it in `c.env.incoming`; it never
 * comes from `X-Forwarded-For`, which any client can write. Everything
 * unknown shares one bucket, which errs on the side of limiting.
 */
export function defaultRateLimitIdentity(c: Context): string {
  const principal = c.get('principal') as Principal | undefined;
  if (principal?.keyId) return `key:${principal.keyId}`;
  return `ip:${remoteAddress(c) ?? 'unknown'}`;
}

function remoteAddress(c: Context): string | undefined {
  // c.env is whatever the server adapter passes; check every step.
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null) return undefined;
  const incoming: unknown = (env as { incoming?: unknown }).incoming;
  if (typeof incoming !== 'object' || incoming === null) return undefined;
  const socket: unknown = (incoming as { socket?: unknown }).socket;
  if (typeof socket !== 'object' || socket === null) return undefined;
  const address: unknown = (socket as { remoteAddress?: unknown }).remoteAddress;
  return typeof address === 'string' && address !== '' ? address : undefined;
}

/**
 * Counts the request, sets the IETF draft `RateLimit-*` headers on every
 * response, and throws `RateLimitedError` (code `rate_limited`) when over
 * the limit. Mount it after `apiKeyAuth` so keyed callers are counted by key.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const { limiter } = options;
  const identify = options.identify ?? defaultRateLimitIdentity;

  return async function rateLimitMiddleware(c, next) {
    const decision = await limiter.consume(identify(c));
    setRateLimitHeaders(c, decision);
    if (!decision.allowed) {
      // Set here too, so an error handler that answers with c.json() keeps
      // them; one that builds its own Response reads them from the error.
      c.header('Retry-After', String(decision.retryAfterSec));
      throw new RateLimitedError(decision);
    }
    await next();
    // A handler may have returned its own Response, which does not carry the
    // headers set above; put them on it. Only then: c.header() on a finished
    // response rebuilds it (body stream included) once per header.
    const headers = c.res.headers;
    if (headers.has('RateLimit-Limit')) return;
    try {
      writeRateLimitHeaders(headers, decision);
    } catch {
      // Immutable headers (a Response.redirect() or a fetched response).
      setRateLimitHeaders(c, decision);
    }
  };
}

function setRateLimitHeaders(c: Context, decision: RateLimitDecision): void {
  c.header('RateLimit-Limit', String(decision.limit));
  c.header('RateLimit-Remaining', String(decision.remaining));
  c.header('RateLimit-Reset', String(decision.resetSec));
}

function writeRateLimitHeaders(headers: Headers, decision: RateLimitDecision): void {
  headers.set('RateLimit-Limit', String(decision.limit));
  headers.set('RateLimit-Remaining', String(decision.remaining));
  headers.set('RateLimit-Reset', String(decision.resetSec));
}
