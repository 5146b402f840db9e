// @agent/auth: who is calling (API keys, roles, tenants), how often
// (rate limits) and whether the install is licensed, plus the Hono
// middleware for each. Options only: this package never reads the environment.

// Re-exported so apps can type against them without importing core for it.
export type { Principal, Role } from '@agent/core';
export { KEY_ID_LENGTH, keyIdOf } from './keyring/key-id.js';
export type {
  ApiKeyEntry,
  AuthenticationResult,
  Keyring,
  KeyringOptions,
} from './keyring/keyring.js';
export { createKeyring } from './keyring/keyring.js';
export type { HmacLicensePayload } from './license/hmac-license.js';
export type { IssueLicenseOptions, LicenseKeyPair } from './license/issue-license.js';
export { generateLicenseKeyPair, issueLicense } from './license/issue-license.js';
export type {
  LicenseChecker,
  LicenseCheckerOptions,
  LicenseStatus,
} from './license/license-checker.js';
export { createLicenseChecker, NO_LICENSE_KEY } from './license/license-checker.js';
export type { ApiKeyAuthOptions, RouteAccess } from './middleware/api-key-auth/api-key-auth.js';
export {
  API_KEY_HEADER,
  API_KEY_QUERY_PARAMETER,
  apiKeyAuth,
  presentedKey,
} from './middleware/api-key-auth/api-key-auth.js';
export { licenseGuard } from './middleware/license-guard/license-guard.js';
export type { RateLimitOptions } from './middleware/rate-limit/rate-limit.js';
export { defaultRateLimitIdentity, rateLimit } from './middleware/rate-limit/rate-limit.js';
export { RateLimitedError } from './rate-limit/rate-limited-error.js';
export type {
  RateLimitDecision,
  RateLimiter,
  RateLimiterLogger,
  RateLimiterOptions,
  RateLimiterStatus,
} from './rate-limit/rate-limiter.js';
export { createRateLimiter } from './rate-limit/rate-limiter.js';
