import { AgentError, ANONYMOUS, type Principal } from '@agent/core';
import type { Context, MiddlewareHandler } from 'hono';
import type { Keyring } from '../../keyring/keyring.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by `apiKeyAuth` on every route it guards (ANONYMOUS when nobody is known). */
    principal: Principal;
  }
}

/** The contract's auth column: `none`, `key` or `admin`. */
export type RouteAccess = 'none' | 'key' | 'admin';

export interface ApiKeyAuthOptions {
  readonly keyring: Keyring;
  readonly access: RouteAccess;
}

export const API_KEY_HEADER = 'X-API-Key';
export const API_KEY_QUERY_PARAMETER = 'api_key';

/** The header wins over the query parameter; an empty value counts as no key. */
export function presentedKey(c: Context): string | undefined {
  const fromHeader = c.req.header(API_KEY_HEADER);
  if (fromHeader) return fromHeader;
  return c.req.query(API_KEY_QUERY_PARAMETER) || undefined;
}

/**
 * Resolves the caller to a principal and enforces the route's access level.
 * Failures are thrown as `AgentError` (`unauthorized` / `forbidden`); the
 * app's single error handler turns them into responses. Messages never
 * contain the presented key.
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): MiddlewareHandler {
  const { keyring, access } = options;
  if (access !== 'none' && access !== 'key' && access !== 'admin') {
    throw new TypeError(`apiKeyAuth: access must be none, key or admin, not ${String(access)}`);
  }

  return async function apiKeyAuthMiddleware(c, next) {
    const result = keyring.authenticate(presentedKey(c));

    if (access === 'none') {
      // Open routes (health, docs) never refuse: a bad key is ignored, so a
      // misconfigured probe still sees the service.
      c.set('principal', result.ok ? result.principal : ANONYMOUS);
      return next();
    }

    if (!result.ok) {
      throw new AgentError(
        'unauthorized',
        result.reason === 'missing'
          ? `an API key is required (${API_KEY_HEADER} header or ${API_KEY_QUERY_PARAMETER} query parameter)`
          : 'the API key is not recognised',
      );
    }

    const { principal } = result;
    if (access === 'admin' && principal.role !== 'admin') {
      if (principal.role === 'user') {
        throw new AgentError('forbidden', 'this route needs an admin key');
      }
      // Anonymous in open mode: with no admin key configured nobody could
      // ever pass, so the honest answer is 403; once admin keys exist the
      // caller can fix this by sending one, which is what 401 says.
      if (!keyring.hasAdminKeys) {
        throw new AgentError('forbidden', 'admin routes are closed: no admin keys are configured');
      }
      throw new AgentError('unauthorized', 'this route needs an admin key');
    }

    c.set('principal', principal);
    return next();
  };
}
