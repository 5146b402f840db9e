import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/** Route label for requests that no endpoint matched, so label cardinality stays bounded. */
export const UNMATCHED_ROUTE = 'unmatched';

// Hono marks a handler that a sub-app with its own onError wrapped; the
// wrapper always takes (c, next), so the original is what tells its kind.
const COMPOSED_HANDLER = '__COMPOSED_HANDLER';

type RouteHandler = ((...args: never[]) => unknown) & { [COMPOSED_HANDLER]?: RouteHandler };

function isEndpoint(route: { method: string; handler: RouteHandler }): boolean {
  // `app.use()` registers middleware under the method ALL; a method-specific
  // registration (get, post, on) is an endpoint. For `app.all()` fall back on
  // arity, as Hono's own route inspector does: handlers take (c), middleware (c, next).
  if (route.method !== 'ALL') return true;
  const handler = route.handler[COMPOSED_HANDLER] ?? route.handler;
  return handler.length < 2;
}

/**
 * The route pattern (`/api/incidents/:id`) of the endpoint the request
 * matched, or `unmatched`. Never the raw path: ids in paths would give every
 * request its own metric series.
 *
 * Uses `matchedRoutes` from 'hono/route' (hono 4.13 deprecates
 * `c.req.routePath`). Matching happens before dispatch, so this gives the same
 * answer before and after `next()`, and even when a middleware answered first
 * (a 401 on `/api/incidents/:id` is still labelled with that pattern).
 */
export function routePattern(c: Context): string {
  let pattern = patterns.get(c);
  if (pattern === undefined) {
    pattern = UNMATCHED_ROUTE;
    const routes = matchedRoutes(c);
    for (let i = routes.length - 1; i >= 0; i--) {
      const route = routes[i];
      if (route && isEndpoint(route)) {
        pattern = route.path;
        break;
      }
    }
    patterns.set(c, pattern);
  }
  return pattern;
}

// Metrics, tracing and the access log each label a request with its route:
// work it out once per request (matchedRoutes builds a list of every handler
// the request met, middleware included).
const patterns = new WeakMap<Context, string>();

const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'CONNECT',
  'TRACE',
]);

/**
 * The method as a bounded label: any method outside the standard set becomes
 * `_OTHER`, as the OpenTelemetry HTTP conventions say, so a client sending
 * made-up methods cannot create new series.
 */
export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}
