/**
 * Context variables this package sets. Declared on Hono's ContextVariableMap
 * so `c.get('requestId')` is typed in every app that imports the package.
 *
 * `principal` is deliberately not declared here: @agent/auth owns its type,
 * and this package only reads it defensively (see access-log).
 */
declare module 'hono' {
  interface ContextVariableMap {
    /** Set by `requestId()`: the incoming `X-Request-Id` when well formed, else a new UUID. */
    requestId: string;
    /** Set by `tracing()` when the request is traced: the W3C trace id (32 hex chars). */
    traceId: string;
  }
}

export {};
