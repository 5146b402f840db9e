import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { RouteTable } from '../http/route-table.js';
import { secureRoute } from '../http/secure-route.js';
import type { Runtime } from '../runtime.js';
import { errorResponses } from '../schemas/common.js';

const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string(),
    uptime_s: z.number(),
    license: z.object({
      required: z.boolean(),
      valid: z.boolean(),
      expires_at: z.string().nullable(),
    }),
  })
  .openapi('Health');

const CheckSchema = z.object({ ok: z.boolean(), detail: z.string().optional() });

const ReadySchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'unavailable']),
    checks: z.record(z.string(), CheckSchema),
  })
  .openapi('Ready');

/** The liveness body, shared with the legacy app's `GET /health`. */
export async function healthBody(runtime: Runtime) {
  const license = await runtime.license.status();
  return {
    status: 'ok' as const,
    version: runtime.version,
    uptime_s: Math.round((Date.now() - runtime.startedAt) / 100) / 10,
    license: { required: license.required, valid: license.valid, expires_at: license.expiresAt },
  };
}

export function registerHealthRoutes(app: OpenAPIHono, runtime: Runtime, table: RouteTable): void {
  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'none' },
      createRoute({
        method: 'get',
        path: '/api/health',
        summary: 'Liveness, version and licence status',
        tags: ['service'],
        responses: {
          200: {
            description: 'The process is up',
            content: { 'application/json': { schema: HealthSchema } },
          },
        },
      }),
    ),
    async (c) => c.json(await healthBody(runtime), 200),
  );

  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'none' },
      createRoute({
        method: 'get',
        path: '/api/ready',
        summary: 'Readiness: the store and the optional backends',
        tags: ['service'],
        responses: {
          200: {
            description: 'Ready (possibly degraded)',
            content: { 'application/json': { schema: ReadySchema } },
          },
          503: {
            description: 'The store is unavailable',
            content: { 'application/json': { schema: ReadySchema } },
          },
        },
      }),
    ),
    async (c) => {
      const checks: Record<string, z.infer<typeof CheckSchema>> = {};
      try {
        await runtime.store.ping();
        checks.store = { ok: true };
      } catch (error) {
        checks.store = { ok: false, detail: (error as Error).message };
      }
      const limiter = runtime.rateLimiter.status();
      if (limiter.backend === 'redis' || limiter.degraded) {
        checks.redis = limiter.degraded
          ? {
              ok: false,
              detail: `rate limits fell back to memory: ${limiter.error ?? 'redis unreachable'}`,
            }
          : { ok: true };
      }
      // OPA and Vault when configured: down means degraded (actions fail closed), not unready.
      await Promise.all(
        Object.entries(runtime.backendChecks).map(async ([name, check]) => {
          try {
            await check();
            checks[name] = { ok: true };
          } catch (error) {
            checks[name] = { ok: false, detail: (error as Error).message };
          }
        }),
      );
      if (!checks.store.ok) return c.json({ status: 'unavailable' as const, checks }, 503);
      const degraded = Object.values(checks).some((check) => !check.ok);
      return c.json({ status: degraded ? ('degraded' as const) : ('ok' as const), checks }, 200);
    },
  );

  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'key' },
      createRoute({
        method: 'get',
        path: '/api/config',
        summary: 'Public configuration (never a secret)',
        tags: ['service'],
        responses: {
          200: {
            description: 'Configuration without secrets',
            content: {
              'application/json': {
                schema: z.record(z.string(), z.unknown()).openapi('PublicConfig'),
              },
            },
          },
          ...errorResponses(401, 402, 429),
        },
      }),
    ),
    (c) => c.json({ version: runtime.version, ...runtime.publicConfig }, 200),
  );
}
