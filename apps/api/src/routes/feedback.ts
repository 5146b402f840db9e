import { CATEGORIES } from '@agent/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { RouteTable } from '../http/route-table.js';
import { secureRoute } from '../http/secure-route.js';
import type { Runtime } from '../runtime.js';
import { errorResponses } from '../schemas/common.js';

const FeedbackRequestSchema = z
  .object({
    category: z.enum(CATEGORIES).optional().openapi({
      description:
        'What the incident really was: kept as a learned pattern for the next log with the same signature (this tenant only)',
    }),
    resolved: z.boolean().optional(),
    helpful: z.boolean().optional().openapi({ description: 'Whether the diagnosis helped' }),
    action_id: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: 'An action of this incident; with `outcome`' }),
    outcome: z
      .enum(['success', 'failure'])
      .optional()
      .openapi({ description: "The action's outcome: ranks its plugin for this category" }),
  })
  .openapi('FeedbackRequest');

const FeedbackResultSchema = z
  .object({
    incident_id: z.string(),
    learned: z
      .boolean()
      .openapi({ description: 'True when a corrected category was kept as a learned pattern' }),
  })
  .openapi('FeedbackResult');

export function registerFeedbackRoute(app: OpenAPIHono, runtime: Runtime, table: RouteTable): void {
  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'key', body: 'required' },
      createRoute({
        method: 'post',
        path: '/api/incidents/{id}/feedback',
        summary: 'Tell the agent what an incident really was, whether it was resolved and how',
        tags: ['learning'],
        request: {
          params: z.object({
            id: z.string().openapi({ param: { name: 'id', in: 'path' } }),
          }),
          body: {
            required: true,
            content: { 'application/json': { schema: FeedbackRequestSchema } },
          },
        },
        responses: {
          200: {
            description: 'The feedback was recorded (and audited)',
            content: { 'application/json': { schema: FeedbackResultSchema } },
          },
          ...errorResponses(400, 401, 402, 404, 413, 415, 429, 503),
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const result = await runtime.agent.giveFeedback({
        incidentId: id,
        category: body.category,
        resolved: body.resolved,
        helpful: body.helpful,
        actionId: body.action_id,
        outcome: body.outcome,
        principal: c.get('principal'),
      });
      return c.json({ incident_id: result.incidentId, learned: result.learned }, 200);
    },
  );
}
