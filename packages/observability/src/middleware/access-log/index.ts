import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from '../../logger/create-logger.js';
import '../context-variables.js';
import { routePattern } from '../route-pattern.js';

// Reads a context variable this package does not declare (another package
// owns its type), without claiming anything about its shape.
function readVariable(c: Context, key: string): unknown {
  return (c.get as (key: string) => unknown)(key);
}

function principalFields(principal: unknown): { key_id?: string; tenant?: string } {
  if (typeof principal !== 'object' || principal === null) return {};
  const { keyId, tenant } = principal as Record<string, unknown>;
  const fields: { key_id?: string; tenant?: string } = {};
  if (typeof keyId === 'string') fields.key_id = keyId;
  if (typeof tenant === 'string') fields.tenant = tenant;
  return fields;
}

/**
 * Writes one line per request: info, or error for 5xx. It carries the request
 * id, method, route pattern, the path without its query string (where an
 * `api_key` may travel), status, duration, and when known the key id (never
 * the key), tenant and trace id.
 */
export function accessLog(logger: Logger): MiddlewareHandler {
  if (typeof logger?.info !== 'function' || typeof logger?.error !== 'function') {
    throw new TypeError('accessLog: pass a logger from createLogger()');
  }

  return async function accessLogMiddleware(c, next) {
    const started = performance.now();
    let threw = false;
    try {
      await next();
    } catch (error) {
      threw = true;
      throw error;
    } finally {
      const status = threw ? 500 : c.res.status;
      const isServerError = status >= 500;
      // Skip building the line when nobody would see it (logs at warn).
      if (isServerError || logger.isLevelEnabled('info')) {
        const line = {
          request_id: c.get('requestId'),
          method: c.req.method,
          route: routePattern(c),
          // c.req.path never includes the query string.
          path: c.req.path,
          status,
          duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
          ...principalFields(readVariable(c, 'principal')),
          trace_id: c.get('traceId'),
        };
        if (isServerError) logger.error(line, 'request');
        else logger.info(line, 'request');
      }
    }
  };
}
