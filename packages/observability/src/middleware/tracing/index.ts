import {
  type Attributes,
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { isNoopTracer } from '../../tracing/noop-tracer.js';
import { headersGetter } from '../../tracing/trace-headers.js';
import { toException } from '../../tracing/with-span.js';
import '../context-variables.js';
import { methodLabel, routePattern, UNMATCHED_ROUTE } from '../route-pattern.js';

/**
 * Traces each request with a SERVER span named `METHOD /route/:pattern`,
 * continuing the caller's trace when a W3C `traceparent` header comes in.
 * Spans started while the request runs (withSpan, outgoing calls) become its
 * children. Sets `c.var.traceId`. Attributes carry the method, route, path and
 * status: never the query string, headers or bodies.
 */
export function tracing(tracer: Tracer): MiddlewareHandler {
  if (typeof tracer?.startSpan !== 'function') {
    throw new TypeError('tracing: pass the tracer returned by setupTracing()');
  }
  // Tracing off: do nothing per request, not even parse headers.
  if (isNoopTracer(tracer)) {
    return async function tracingDisabledMiddleware(_c, next) {
      await next();
    };
  }

  return async function tracingMiddleware(c, next) {
    const method = methodLabel(c.req.method);
    const route = routePattern(c);
    const matched = route !== UNMATCHED_ROUTE;
    const attributes: Attributes = { 'http.request.method': method, 'url.path': c.req.path };
    // Per the HTTP semantic conventions an unmatched request has no http.route
    // and its span is named by the method alone.
    if (matched) attributes['http.route'] = route;

    const parent = propagation.extract(ROOT_CONTEXT, c.req.raw.headers, headersGetter);
    const span = tracer.startSpan(
      matched ? `${method} ${route}` : method,
      { kind: SpanKind.SERVER, attributes },
      parent,
    );
    const spanContext = span.spanContext();
    if (isSpanContextValid(spanContext)) c.set('traceId', spanContext.traceId);

    try {
      await context.with(trace.setSpan(parent, span), next);
      const status = c.res.status;
      span.setAttribute('http.response.status_code', status);
      // Hono's onError turned a thrown error into this response; keep the error on the span.
      if (c.error) span.recordException(toException(c.error));
      // Server spans fail on 5xx only; a 4xx is the client's problem.
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    } catch (error) {
      span.recordException(toException(error));
      span.setAttribute('http.response.status_code', 500);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  };
}
