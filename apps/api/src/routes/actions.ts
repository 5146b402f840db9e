import { ACTION_STATUSES, toWireActionRecord, toWirePage } from '@agent/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { RouteTable } from '../http/route-table.js';
import { secureRoute } from '../http/secure-route.js';
import type { Runtime } from '../runtime.js';
import { errorResponses, PageQuerySchema, pageOf } from '../schemas/common.js';
import { ActionSchema } from '../schemas/process-log.js';

export const ActionRecordSchema = ActionSchema.extend({
  incident_id: z.string(),
  tenant: z.string(),
  target: z.string().openapi({
    description: 'What it acts on (`plugin.operation@namespace/workload`): the blast-radius key',
  }),
  created_at: z.string(),
  updated_at: z.string(),
  decided_by: z
    .string()
    .nullable()
    .openapi({ description: 'Key id of the admin who approved or rejected it' }),
  expires_at: z
    .string()
    .nullable()
    .openapi({ description: 'A pending approval lapses then (APPROVAL_TTL_SEC after planning)' }),
  executed_at: z.string().nullable(),
}).openapi('ActionRecord');

const ActionQuerySchema = PageQuerySchema.extend({
  status: z
    .enum(ACTION_STATUSES)
    .optional()
    .openapi({ param: { name: 'status', in: 'query' }, example: 'pending_approval' }),
});

const IdParamSchema = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' } }),
});

const ApproveRequestSchema = z.object({}).openapi('ApproveRequest');
const RejectRequestSchema = z
  .object({
    reason: z
      .string()
      .max(500)
      .optional()
      .openapi({ description: 'Why it was rejected (kept on the action and in the audit log)' }),
  })
  .openapi('RejectRequest');

/** `GET /api/actions`, and approving or rejecting a pending action (admin keys only). */
export function registerActionRoutes(app: OpenAPIHono, runtime: Runtime, table: RouteTable): void {
  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'admin' },
      createRoute({
        method: 'get',
        path: '/api/actions',
        summary: 'Governed actions, newest first (`status=pending_approval`: the approvals queue)',
        tags: ['remediation'],
        request: { query: ActionQuerySchema },
        responses: {
          200: {
            description: 'A page of actions',
            content: { 'application/json': { schema: pageOf(ActionRecordSchema, 'ActionPage') } },
          },
          ...errorResponses(400, 401, 402, 403, 429, 503),
        },
      }),
    ),
    async (c) => {
      const query = c.req.valid('query');
      const page = await runtime.agent.listActions(
        { status: query.status, limit: query.limit, cursor: query.cursor },
        c.get('principal'),
      );
      return c.json(toWirePage(page, toWireActionRecord), 200);
    },
  );

  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'admin', body: 'optional' },
      createRoute({
        method: 'post',
        path: '/api/actions/{id}/approve',
        summary: 'Approve a pending action and run it now, exactly once',
        description:
          'Policy, blast radius, licence and EXECUTION_ENABLED are checked again first; a denial leaves the action `skipped` with the reasons.',
        tags: ['remediation'],
        request: {
          params: IdParamSchema,
          body: {
            required: false,
            content: { 'application/json': { schema: ApproveRequestSchema } },
          },
        },
        responses: {
          200: {
            description:
              'The action: `executed` or `failed` (with `output` or `error`), or `skipped`',
            content: { 'application/json': { schema: ActionRecordSchema } },
          },
          ...errorResponses(400, 401, 402, 403, 404, 409, 413, 415, 429, 503),
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const action = await runtime.agent.approveAction(id, c.get('principal'));
      return c.json(toWireActionRecord(action), 200);
    },
  );

  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'admin', body: 'optional' },
      createRoute({
        method: 'post',
        path: '/api/actions/{id}/reject',
        summary: 'Reject a pending action: it is closed and never runs',
        tags: ['remediation'],
        request: {
          params: IdParamSchema,
          body: {
            required: false,
            content: { 'application/json': { schema: RejectRequestSchema } },
          },
        },
        responses: {
          200: {
            description: 'The action, `rejected`',
            content: { 'application/json': { schema: ActionRecordSchema } },
          },
          ...errorResponses(400, 401, 402, 403, 404, 409, 413, 415, 429, 503),
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = (c.req.valid('json') as { reason?: string } | undefined) ?? {};
      const action = await runtime.agent.rejectAction(id, c.get('principal'), body.reason);
      return c.json(toWireActionRecord(action), 200);
    },
  );
}
