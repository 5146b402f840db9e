import { toWireAuditEntry, toWirePage } from '@agent/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { RouteTable } from '../http/route-table.js';
import { secureRoute } from '../http/secure-route.js';
import type { Runtime } from '../runtime.js';
import { errorResponses, PageQuerySchema, pageOf } from '../schemas/common.js';

const AuditEntrySchema = z
  .object({
    at: z.string(),
    actor: z
      .string()
      .openapi({ description: 'Key id of whoever caused it, or `anonymous` / `system`' }),
    tenant: z.string().nullable(),
    event: z.string().openapi({
      example: 'policy.decision',
      description:
        '`policy.decision`, `action.blocked`, `action.executed`, `action.failed`, `action.approved`, `action.rejected`, `action.skipped`, `action.expired`, `incident.feedback`',
    }),
    subject: z.string().nullable().openapi({ description: 'The action or incident id' }),
    decision: z.string().nullable(),
    reasons: z.array(z.string()),
    result: z.string().nullable(),
  })
  .openapi('AuditEntry');

/** `GET /api/audit`: the append-only audit log, newest first (admin keys only). */
export function registerAuditRoute(app: OpenAPIHono, runtime: Runtime, table: RouteTable): void {
  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'admin' },
      createRoute({
        method: 'get',
        path: '/api/audit',
        summary: 'The audit log: every policy decision, execution, approval and rejection',
        tags: ['remediation'],
        request: { query: PageQuerySchema },
        responses: {
          200: {
            description: 'A page of audit entries, newest first',
            content: { 'application/json': { schema: pageOf(AuditEntrySchema, 'AuditPage') } },
          },
          ...errorResponses(400, 401, 402, 403, 429, 503),
        },
      }),
    ),
    async (c) => {
      const query = c.req.valid('query');
      const page = await runtime.agent.listAudit(
        { limit: query.limit, cursor: query.cursor },
        c.get('principal'),
      );
      return c.json(toWirePage(page, toWireAuditEntry), 200);
    },
  );
}
