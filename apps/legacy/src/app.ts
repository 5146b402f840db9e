import {
  applyCommonMiddleware,
  applyErrorHandling,
  healthBody,
  RouteTable,
  type Runtime,
  secureRoute,
  validationHook,
} from '@agent/api';
import { MODES } from '@agent/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

/** When this API was deprecated and when it goes away (RFC 9745 / RFC 8594). */
export const DEPRECATED_AT = new Date('2026-11-26T00:00:00Z');
export const SUNSET_AT = new Date('2027-06-01T00:00:00Z');

const LegacyRequestSchema = z.object({
  log: z
    .string()
    .min(1, 'must not be empty')
    .refine((s) => s.trim().length > 0, 'must not be blank'),
  mode: z.enum(MODES).default('safe'),
});

const LegacyResponseSchema = z.object({
  status: z.literal('processed'),
  analysis: z.object({
    category: z.string(),
    severity: z.string(),
    confidence: z.number(),
    summary: z.string(),
    root_cause: z.string(),
  }),
  reasoning: z.object({
    cycles: z.number(),
    score: z.number(),
    trace: z.array(z.object({ cycle: z.number(), phase: z.string(), message: z.string() })),
  }),
  recommended_actions: z.array(
    z.object({
      plugin: z.string(),
      operation: z.string(),
      risk: z.string(),
      decision: z.string(),
      status: z.string(),
    }),
  ),
  incident_id: z.string(),
});

/**
 * The old `/process_log` contract for callers that cannot move yet. It calls
 * the same agent as the primary API and only translates the shapes.
 */
export function createLegacyApp(runtime: Runtime): { app: OpenAPIHono; routes: RouteTable } {
  const routes = new RouteTable();
  const app = new OpenAPIHono({
    defaultHook: validationHook,
  });
  applyCommonMiddleware(app, runtime);
  app.use('*', async function deprecationHeaders(c, next) {
    await next();
    c.header('Deprecation', `@${Math.floor(DEPRECATED_AT.getTime() / 1000)}`);
    c.header('Sunset', SUNSET_AT.toUTCString());
    c.header('Link', '</api/process_log>; rel="successor-version"');
  });

  app.openapi(
    secureRoute(
      runtime,
      routes,
      { access: 'key', body: 'required' },
      createRoute({
        method: 'post',
        path: '/process_log',
        summary: 'Analyse a log (deprecated: use POST /api/process_log)',
        request: {
          body: {
            required: true,
            content: { 'application/json': { schema: LegacyRequestSchema } },
          },
        },
        responses: {
          200: {
            description: 'The diagnosis',
            content: { 'application/json': { schema: LegacyResponseSchema } },
          },
        },
      }),
    ),
    async (c) => {
      const body = c.req.valid('json');
      const result = await runtime.agent.processLog({
        log: body.log,
        mode: body.mode,
        principal: c.get('principal'),
      });
      return c.json(
        {
          status: 'processed' as const,
          analysis: {
            category: result.category,
            severity: result.severity,
            confidence: result.confidence,
            summary: result.summary,
            root_cause: result.rootCause,
          },
          reasoning: {
            cycles: result.reasoning.cycles,
            score: result.reasoning.score,
            trace: result.reasoning.trace.map((s) => ({
              cycle: s.cycle,
              phase: s.phase,
              message: s.message,
            })),
          },
          recommended_actions: result.actions.map((a) => ({
            plugin: a.plugin,
            operation: a.operation,
            risk: a.risk,
            decision: a.decision,
            status: a.status,
          })),
          incident_id: result.incidentId,
        },
        200,
      );
    },
  );

  app.openapi(
    secureRoute(
      runtime,
      routes,
      { access: 'none' },
      createRoute({
        method: 'get',
        path: '/health',
        summary: 'Liveness (same body as /api/health)',
        responses: { 200: { description: 'The process is up' } },
      }),
    ),
    async (c) => c.json(await healthBody(runtime), 200),
  );

  applyErrorHandling(app, runtime, routes);
  return { app, routes };
}
