import { CATEGORIES } from '@agent/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { RouteTable } from '../http/route-table.js';
import { secureRoute } from '../http/secure-route.js';
import type { Runtime } from '../runtime.js';
import { errorResponses } from '../schemas/common.js';

const VoteRequestSchema = z
  .object({
    plugin: z.string().min(1).max(64),
    direction: z.enum(['up', 'down']),
    category: z.enum(CATEGORIES).optional(),
  })
  .openapi('VoteRequest');

const VoteResultSchema = z
  .object({
    plugin: z.string(),
    category: z.enum(CATEGORIES).nullable(),
    up: z.number().int(),
    down: z.number().int(),
    successes: z.number().int().openapi({ description: 'Reported successful outcomes' }),
    failures: z.number().int().openapi({ description: 'Reported failed outcomes' }),
    score: z.number().openapi({
      description:
        'Wilson lower bound (95%) of the good share of votes and outcomes together: what ranking uses',
    }),
  })
  .openapi('VoteResult');

const PluginListSchema = z
  .object({
    items: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        operations: z.array(
          z.object({
            name: z.string(),
            description: z.string(),
            params: z.record(z.string(), z.unknown()),
            risk: z.enum(['low', 'medium', 'high']),
          }),
        ),
      }),
    ),
  })
  .openapi('PluginList');

export function registerPluginRoutes(app: OpenAPIHono, runtime: Runtime, table: RouteTable): void {
  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'key', body: 'required' },
      createRoute({
        method: 'post',
        path: '/api/vote_plugin',
        summary: 'Vote a remediation plugin up or down (optionally for one category)',
        tags: ['learning'],
        request: {
          body: { required: true, content: { 'application/json': { schema: VoteRequestSchema } } },
        },
        responses: {
          200: {
            description: 'The new tally',
            content: { 'application/json': { schema: VoteResultSchema } },
          },
          ...errorResponses(400, 401, 402, 404, 413, 415, 429, 503),
        },
      }),
    ),
    async (c) => {
      const body = c.req.valid('json');
      const tally = await runtime.agent.votePlugin({
        plugin: body.plugin,
        direction: body.direction,
        category: body.category ?? null,
        principal: c.get('principal'),
      });
      return c.json(tally, 200);
    },
  );

  // Parameter schemas are data; their JSON Schema never changes while running.
  const plugins = runtime.agent.plugins().map((plugin) => ({
    name: plugin.name,
    description: plugin.description,
    operations: plugin.operations.map((op) => ({
      name: op.name,
      description: op.description,
      params: z.toJSONSchema(op.params, { unrepresentable: 'any' }) as Record<string, unknown>,
      risk: op.risk,
    })),
  }));
  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'key' },
      createRoute({
        method: 'get',
        path: '/api/plugins',
        summary: 'Remediation plugins, their operations and parameter schemas',
        tags: ['learning'],
        responses: {
          200: {
            description: 'Plugins',
            content: { 'application/json': { schema: PluginListSchema } },
          },
          ...errorResponses(401, 402, 429),
        },
      }),
    ),
    (c) => c.json({ items: plugins }, 200),
  );
}
