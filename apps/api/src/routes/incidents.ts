import { CATEGORIES, SEVERITIES, toWireIncident, toWirePage } from '@agent/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { RouteTable } from '../http/route-table.js';
import { secureRoute } from '../http/secure-route.js';
import type { Runtime } from '../runtime.js';
import { errorResponses, PageQuerySchema, pageOf } from '../schemas/common.js';
import { IncidentSchema } from '../schemas/process-log.js';

const isoInstant = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

const IncidentQuerySchema = PageQuerySchema.extend({
  category: z
    .enum(CATEGORIES)
    .optional()
    .openapi({ param: { name: 'category', in: 'query' } }),
  severity: z
    .enum(SEVERITIES)
    .optional()
    .openapi({ param: { name: 'severity', in: 'query' } }),
  since: isoInstant
    .optional()
    .openapi({ param: { name: 'since', in: 'query' }, example: '2026-11-26T00:00:00Z' }),
  until: isoInstant.optional().openapi({ param: { name: 'until', in: 'query' } }),
}).refine(
  // An empty page would hide the mistake (the two swapped, a wrong year).
  (query) => query.since === undefined || query.until === undefined || query.since < query.until,
  { message: 'must be later than since', path: ['until'] },
);

export function registerIncidentRoutes(
  app: OpenAPIHono,
  runtime: Runtime,
  table: RouteTable,
): void {
  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'key' },
      createRoute({
        method: 'get',
        path: '/api/incidents',
        summary: "List the key's tenant's incidents, newest first",
        tags: ['incidents'],
        request: { query: IncidentQuerySchema },
        responses: {
          200: {
            description: 'A page of incidents',
            content: { 'application/json': { schema: pageOf(IncidentSchema, 'IncidentPage') } },
          },
          ...errorResponses(400, 401, 402, 429, 503),
        },
      }),
    ),
    async (c) => {
      const query = c.req.valid('query');
      const page = await runtime.agent.listIncidents(
        {
          limit: query.limit,
          cursor: query.cursor,
          category: query.category,
          severity: query.severity,
          since: query.since,
          until: query.until,
        },
        c.get('principal'),
      );
      return c.json(toWirePage(page, toWireIncident), 200);
    },
  );

  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'key' },
      createRoute({
        method: 'get',
        path: '/api/incidents/{id}',
        summary: 'One incident: the stored result plus when, whose and how often',
        tags: ['incidents'],
        request: {
          params: z.object({
            id: z.string().openapi({ param: { name: 'id', in: 'path' } }),
          }),
        },
        responses: {
          200: {
            description: 'The incident',
            content: { 'application/json': { schema: IncidentSchema } },
          },
          ...errorResponses(401, 402, 404, 429, 503),
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const incident = await runtime.agent.getIncident(id, c.get('principal'));
      return c.json(toWireIncident(incident), 200);
    },
  );
}
