// @agent/api: the primary HTTP API. Also the composition pieces the legacy app
// and the tooling (client generation, benchmarks) reuse.
export type { ApiApp, AppOptions } from './app.js';
export { applyCommonMiddleware, applyErrorHandling, createApp, validationHook } from './app.js';
export { exitOnStartupFailure, logProcessEvents, startRuntime } from './env.js';
export type { IncidentEvent, IncidentEvents } from './events/incident-events.js';
export type { ErrorBody } from './http/errors.js';
export { errorBody, errorResponse, STATUS_OF_CODE } from './http/errors.js';
export { jsonBody, limitBody, MAX_JSON_DEPTH } from './http/json-body.js';
export type { RouteAccess, RouteEntry } from './http/route-table.js';
export { RouteTable } from './http/route-table.js';
export type { SecureRouteOptions } from './http/secure-route.js';
export { secureRoute } from './http/secure-route.js';
export type { RunningServer, ServeOptions, WebSocketAttachment } from './http/serve.js';
export { exitOnSignals, startServer } from './http/serve.js';
export { buildOpenApiDocument } from './openapi-document.js';
export { openApiDocument } from './routes/docs.js';
export { healthBody } from './routes/health.js';
export type { WebSocketHub, WebSocketOptions } from './routes/ws.js';
export { WEBSOCKET_PATH } from './routes/ws.js';
export type { Runtime, RuntimeOptions } from './runtime.js';
export { createRuntime } from './runtime.js';
export { VERSION } from './version.js';
