import { AgentError, type ErrorCode } from '@agent/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The contract's closed set of error codes and the one status each maps to. */
export const STATUS_OF_CODE: Readonly<Record<ErrorCode, ContentfulStatusCode>> = {
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  license_invalid: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  action_not_pending: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  store_unavailable: 503,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string };
}

export function errorBody(code: ErrorCode, message: string, requestId: string): ErrorBody {
  return { error: { code, message, request_id: requestId } };
}

/** Statuses Hono itself raises (body limit, its validator) mapped into the contract's codes. */
function codeOfHttpException(error: HTTPException): { code: ErrorCode; message: string } {
  switch (error.status) {
    case 400:
      return /json/i.test(error.message)
        ? { code: 'invalid_json', message: 'request body is not valid JSON' }
        : { code: 'validation_failed', message: error.message || 'invalid request' };
    case 401:
      return { code: 'unauthorized', message: 'a valid API key is required' };
    case 403:
      return { code: 'forbidden', message: 'this key may not use this route' };
    case 404:
      return { code: 'not_found', message: 'not found' };
    case 413:
      return { code: 'payload_too_large', message: 'request body is too large' };
    case 415:
      return { code: 'unsupported_media_type', message: 'request body must be application/json' };
    default:
      return { code: 'internal_error', message: 'internal error' };
  }
}

export interface ErrorLogger {
  error(obj: object, msg?: string): void;
}

/**
 * The one translation of thrown errors into the contract's error response,
 * shared by both apps. Domain errors carry their code; anything else is a
 * 500 whose details go to the log, never to the client.
 */
export function errorResponse(c: Context, error: unknown, logger?: ErrorLogger): Response {
  const requestId = c.get('requestId') ?? 'unknown';
  let code: ErrorCode;
  let message: string;
  if (error instanceof AgentError) {
    code = error.code;
    message = error.message;
  } else if (error instanceof HTTPException) {
    ({ code, message } = codeOfHttpException(error));
  } else {
    code = 'internal_error';
    message = 'internal error';
  }
  const status = STATUS_OF_CODE[code];
  if (status >= 500) {
    logger?.error({ err: error, request_id: requestId, code }, 'request failed');
  }
  const retryAfter = (error as { retryAfterSec?: unknown }).retryAfterSec;
  if (typeof retryAfter === 'number')
    c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
  return c.json(errorBody(code, message, requestId), status);
}
