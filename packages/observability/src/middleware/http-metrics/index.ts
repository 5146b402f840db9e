import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../../metrics/create-metrics.js';
import { methodLabel, routePattern } from '../route-pattern.js';

export type HttpMetricsInstruments = Pick<
  Metrics,
  'httpRequestsTotal' | 'httpRequestDurationSeconds'
>;

/**
 * Counts requests and observes their duration, labelled by method, route
 * pattern (`unmatched` when no endpoint matched) and status. Duration runs
 * until the handler returns a Response, not until a streamed body ends.
 */
export function httpMetrics(metrics: HttpMetricsInstruments): MiddlewareHandler {
  if (
    typeof metrics?.httpRequestsTotal?.inc !== 'function' ||
    typeof metrics?.httpRequestDurationSeconds?.observe !== 'function'
  ) {
    throw new TypeError('httpMetrics: pass the object returned by createMetrics()');
  }
  const { httpRequestsTotal, httpRequestDurationSeconds } = metrics;

  return async function httpMetricsMiddleware(c, next) {
    const started = performance.now();
    let threw = false;
    try {
      await next();
    } catch (error) {
      threw = true;
      throw error;
    } finally {
      // An error that escapes here is answered by Hono's top-level handler as a 500.
      const labels = {
        method: methodLabel(c.req.method),
        route: routePattern(c),
        status: String(threw ? 500 : c.res.status),
      };
      httpRequestsTotal.inc(labels);
      httpRequestDurationSeconds.observe(labels, (performance.now() - started) / 1000);
    }
  };
}
