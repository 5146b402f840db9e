import { AgentError } from '@agent/core';
import type { MiddlewareHandler } from 'hono';
import type { LicenseChecker } from '../../license/license-checker.js';

/**
 * For key routes: when a licence is required and the current one is not
 * valid, throw `license_invalid` (402). The service itself keeps running;
 * open routes such as `/api/health` stay reachable and report why.
 */
export function licenseGuard(checker: LicenseChecker): MiddlewareHandler {
  return async function licenseGuardMiddleware(_c, next) {
    if (checker.required) {
      const status = await checker.status();
      if (!status.valid) {
        throw new AgentError('license_invalid', `licence required: ${status.reason ?? 'invalid'}`);
      }
    }
    await next();
  };
}
