import { ERROR_CODES } from '@agent/core';
import { z } from '@hono/zod-openapi';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      request_id: z.string(),
    }),
  })
  .openapi('Error');

/** Error responses a route can give, documented once. */
export function errorResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: 'Invalid JSON or a field that fails validation',
    401: 'No key, or a key that is not configured',
    402: 'Licensing is on and the licence is missing, invalid or expired',
    403: 'The key lacks the role for this route',
    404: 'Nothing has that id or name',
    409: 'The action is not pending',
    413: 'Body larger than MAX_LOG_BYTES',
    415: 'Body is not application/json',
    429: 'Rate limit reached (see Retry-After)',
    503: 'The knowledge store is unavailable',
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: descriptions[status] ?? 'Error',
        content: { 'application/json': { schema: ErrorSchema } },
      },
    ]),
  );
}

/** The list envelope of the contract. */
export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() }).openapi(name);
}

export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ param: { name: 'limit', in: 'query' }, example: 50 }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' } }),
});
