import { swaggerUI } from '@hono/swagger-ui';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { RouteTable } from '../http/route-table.js';
import { secureRoute } from '../http/secure-route.js';
import type { Runtime } from '../runtime.js';

const DocsSchema = z
  .object({
    endpoints: z.array(
      z.object({
        method: z.string(),
        path: z.string(),
        summary: z.string(),
        auth: z.enum(['none', 'key', 'admin']),
      }),
    ),
  })
  .openapi('Docs');

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'devops-agent API',
    description:
      'Reads production logs, works out what went wrong, proposes remediation and, where policy allows, carries it out.',
    license: { name: 'MIT', identifier: 'MIT' },
  },
} as const;

/** Registers the key schemes the contract accepts, so the document and the client know them. */
export function registerSecuritySchemes(app: OpenAPIHono): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'ApiKeyHeader', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'ApiKeyQuery', {
    type: 'apiKey',
    in: 'query',
    name: 'api_key',
  });
}

/** The OpenAPI 3.1 document as plain JSON (what `/api/openapi.json` serves and the client is generated from). */
export function openApiDocument(app: OpenAPIHono, version: string): Record<string, unknown> {
  return app.getOpenAPI31Document({
    ...OPENAPI_INFO,
    info: { ...OPENAPI_INFO.info, version },
  }) as unknown as Record<string, unknown>;
}

export function registerDocsRoutes(app: OpenAPIHono, runtime: Runtime, table: RouteTable): void {
  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'none' },
      createRoute({
        method: 'get',
        path: '/api/docs',
        summary: 'Every endpoint with its auth level',
        tags: ['docs'],
        responses: {
          200: {
            description: 'The route table',
            content: { 'application/json': { schema: DocsSchema } },
          },
        },
      }),
    ),
    (c) =>
      c.json(
        {
          endpoints: table.entries().map((e) => ({
            method: e.method,
            path: e.path,
            summary: e.summary,
            auth: e.access,
          })),
        },
        200,
      ),
  );

  // Built on first request (every route is registered by then) and kept.
  let document: Record<string, unknown> | null = null;
  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'none' },
      createRoute({
        method: 'get',
        path: '/api/openapi.json',
        summary: 'The OpenAPI 3.1 document',
        tags: ['docs'],
        responses: {
          200: {
            description: 'OpenAPI 3.1',
            content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
          },
        },
      }),
    ),
    (c) => {
      document ??= openApiDocument(app, runtime.version);
      return c.json(document, 200);
    },
  );

  app.openapi(
    secureRoute(
      runtime,
      table,
      { access: 'none' },
      createRoute({
        method: 'get',
        path: '/api/reference',
        summary: 'Interactive API reference (Swagger UI)',
        tags: ['docs'],
        responses: {
          200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } },
        },
      }),
    ),
    // The page loads Swagger UI's assets from its CDN in the browser.
    swaggerUI({ url: '/api/openapi.json', title: 'devops-agent API reference' }) as never,
  );
}
