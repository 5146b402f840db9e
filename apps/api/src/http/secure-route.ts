import { apiKeyAuth, licenseGuard, rateLimit } from '@agent/auth';
import type { RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Runtime } from '../runtime.js';
import { jsonBody, limitBody } from './json-body.js';
import type { RouteAccess, RouteTable } from './route-table.js';

export interface SecureRouteOptions {
  access: RouteAccess;
  /** The route takes a JSON body; `optional` when it may be absent. */
  body?: 'required' | 'optional';
}

/**
 * Declares a route once: it is recorded in the route table, documented with
 * its security scheme, and given the guards of its access level in the
 * contract's order (key, licence, rate limit, body size, JSON).
 */
export function secureRoute<R extends RouteConfig>(
  runtime: Runtime,
  table: RouteTable,
  options: SecureRouteOptions,
  route: R,
): R {
  table.add(route, options.access);
  const guards: MiddlewareHandler[] = [
    apiKeyAuth({ keyring: runtime.keyring, access: options.access }),
  ];
  if (options.access !== 'none') {
    guards.push(licenseGuard(runtime.license), rateLimit({ limiter: runtime.rateLimiter }));
  }
  if (options.body) {
    guards.push(
      limitBody(runtime.config.maxLogBytes),
      jsonBody({ maxBytes: runtime.config.maxLogBytes, optional: options.body === 'optional' }),
    );
  }
  return {
    ...route,
    middleware: guards,
    security: options.access === 'none' ? [] : [{ ApiKeyHeader: [] }, { ApiKeyQuery: [] }],
  };
}
