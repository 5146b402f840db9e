import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import '../context-variables.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

// Accept a caller's id only when it is short and made of characters that are
// safe in headers, log lines and label values.
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestIdOptions {
  /** Makes a new id when the request has no usable one. Defaults to `crypto.randomUUID`. */
  generate?: () => string;
}

export function isValidRequestId(value: string): boolean {
  return VALID_REQUEST_ID.test(value);
}

/**
 * Gives every request an id: the incoming `X-Request-Id` when well formed,
 * else a new one. Sets `c.var.requestId` and the `X-Request-Id` response
 * header on every response, including those built by onError and notFound.
 * Mount it first so everything after it can use the id.
 */
export function requestId(options: RequestIdOptions = {}): MiddlewareHandler {
  const generate = options.generate ?? randomUUID;
  if (typeof generate !== 'function') {
    throw new TypeError('requestId: options.generate must be a function');
  }

  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id = incoming !== undefined && VALID_REQUEST_ID.test(incoming) ? incoming : generate();
    c.set('requestId', id);
    // Prepared headers reach responses made with c.json/c.text, including
    // those from an onError handler that uses them.
    c.header(REQUEST_ID_HEADER, id);

    await next();

    // A handler, onError or notFound may return a Response it built itself,
    // which never saw the prepared headers. c.header() copies a finalized
    // response first, so this also works when its headers are immutable.
    if (c.res.headers.get(REQUEST_ID_HEADER) !== id) c.header(REQUEST_ID_HEADER, id);
  };
}
