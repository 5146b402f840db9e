import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { RouteTable } from '../http/route-table.js';
import { secureRoute } from '../http/secure-route.js';
import type { Runtime } from '../runtime.js';
import { errorResponses } from '../schemas/common.js';

export function registerMetricsRoute(app: OpenAPIHono, runtime: Runtime, table: RouteTable): void {
  app.openapi(
    secureRoute(
      runtime,
      table,
      // Prometheus scrapers expect an open endpoint; operators may require a key.
      { access: runtime.config.metricsRequireKey ? 'key' : 'none' },
      createRoute({
        method: 'get',
        path: '/api/metrics',
        summary: 'Prometheus metrics (text exposition format)',
        tags: ['service'],
        responses: {
          200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } },
          ...errorResponses(401, 402, 429),
        },
      }),
    ),
    async (c) => {
      const { contentType, body } = await runtime.metrics.render();
      return c.text(body, 200, { 'Content-Type': contentType });
    },
  );
}
