import { toWireResult } from '@agent/core';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { RouteTable } from '../http/route-table.js';
import { secureRoute } from '../http/secure-route.js';
import type { Runtime } from '../runtime.js';
import { errorResponses } from '../schemas/common.js';
import { AnalysisResultSchema, ProcessLogRequestSchema } from '../schemas/process-log.js';

export function registerProcessLogRoute(
  app: OpenAPIHono,
  runtime: Runtime,
  table: RouteTable,
): void {
  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'key', body: 'required' },
      createRoute({
        method: 'post',
        path: '/api/process_log',
        summary: 'Analyse a log: diagnosis, evidence and a governed remediation plan',
        tags: ['analysis'],
        request: {
          body: {
            required: true,
            content: { 'application/json': { schema: ProcessLogRequestSchema } },
          },
        },
        responses: {
          200: {
            description: 'The diagnosis',
            content: { 'application/json': { schema: AnalysisResultSchema } },
          },
          ...errorResponses(400, 401, 402, 403, 413, 415, 429, 503),
        },
      }),
    ),
    async (c) => {
      const body = c.req.valid('json');
      const result = await runtime.agent.processLog({
        log: body.log,
        mode: body.mode,
        includeTrace: body.include_trace,
        llmConfig: body.llm_config,
        context: body.context,
        principal: c.get('principal'),
      });
      return c.json(toWireResult(result), 200);
    },
  );
}
