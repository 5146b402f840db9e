import { AgentError } from '@agent/core';
import { accessLog, httpMetrics, requestId, tracing } from '@agent/observability';
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { errorResponse } from './http/errors.js';
import { RouteTable } from './http/route-table.js';
import { registerActionRoutes } from './routes/actions.js';
import { registerAuditRoute } from './routes/audit.js';
import { registerDocsRoutes, registerSecuritySchemes } from './routes/docs.js';
import { registerFeedbackRoute } from './routes/feedback.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerIncidentRoutes } from './routes/incidents.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerPluginRoutes } from './routes/plugins.js';
import { registerProcessLogRoute } from './routes/process-log.js';
import { registerWebSocketRoute, type WebSocketHub, type WebSocketOptions } from './routes/ws.js';
import type { Runtime } from './runtime.js';

/**
 * zod failures become the contract's 400, naming the field. Shared by both
 * apps so a validation error reads the same everywhere.
 */
export function validationHook(result: {
  success: boolean;
  error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] };
}): void {
  if (!result.success) {
    const issue = result.error?.issues[0];
    const field = issue?.path.length ? issue.path.map(String).join('.') : 'body';
    throw new AgentError('validation_failed', `${field}: ${issue?.message ?? 'invalid value'}`);
  }
}

export interface ApiApp {
  app: OpenAPIHono;
  routes: RouteTable;
  /** `/api/ws`: give it to `startServer` so upgrades reach it and shutdown closes it. */
  websocket: WebSocketHub;
}

export interface AppOptions {
  websocket?: WebSocketOptions;
}

/**
 * The primary API. Every route is declared once with zod schemas, so
 * validation, the OpenAPI document and `/api/docs` come from one source.
 */
export function createApp(runtime: Runtime, options: AppOptions = {}): ApiApp {
  const routes = new RouteTable();
  const app = new OpenAPIHono({
    // zod failures become the contract's 400, naming the field.
    defaultHook: validationHook,
  });
  applyCommonMiddleware(app, runtime);
  registerSecuritySchemes(app);

  registerHealthRoutes(app, runtime, routes);
  registerDocsRoutes(app, runtime, routes);
  registerMetricsRoute(app, runtime, routes);
  registerProcessLogRoute(app, runtime, routes);
  registerPluginRoutes(app, runtime, routes);
  registerIncidentRoutes(app, runtime, routes);
  registerFeedbackRoute(app, runtime, routes);
  registerActionRoutes(app, runtime, routes);
  registerAuditRoute(app, runtime, routes);
  const websocket = registerWebSocketRoute(app, runtime, routes, options.websocket);

  applyErrorHandling(app, runtime, routes);
  return { app, routes, websocket };
}

/** Request id, tracing, metrics, access log and secure headers: the same for both apps. */
export function applyCommonMiddleware(app: OpenAPIHono, runtime: Runtime): void {
  app.use('*', requestId());
  if (runtime.tracing.enabled) app.use('*', tracing(runtime.tracing.tracer));
  app.use('*', httpMetrics(runtime.metrics));
  app.use('*', accessLog(runtime.logger));
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));
  if (runtime.config.corsOrigins.length > 0) {
    app.use(
      '*',
      cors({
        origin: [...runtime.config.corsOrigins],
        allowHeaders: ['Content-Type', 'X-API-Key', 'X-Request-Id', 'traceparent'],
        exposeHeaders: [
          'X-Request-Id',
          'Retry-After',
          'RateLimit-Limit',
          'RateLimit-Remaining',
          'RateLimit-Reset',
        ],
      }),
    );
  }
}

/** The contract's error body everywhere, 404 for unknown paths and 405 for known paths with another method. */
export function applyErrorHandling(app: OpenAPIHono, runtime: Runtime, routes: RouteTable): void {
  app.onError((error, c) => {
    if (error instanceof AgentError && error.code === 'rate_limited')
      runtime.metrics.rateLimitedTotal.inc();
    return errorResponse(c, error, runtime.logger);
  });
  app.notFound((c) => {
    const allowed = routes.methodsFor(c.req.path);
    if (allowed.length > 0) {
      c.header('Allow', allowed.join(', '));
      return errorResponse(
        c,
        new AgentError(
          'method_not_allowed',
          `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(' or ')}`,
        ),
      );
    }
    return errorResponse(
      c,
      new AgentError('not_found', `no route for ${c.req.method} ${c.req.path}`),
    );
  });
}
