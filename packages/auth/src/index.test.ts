import { describe, expect, it } from 'vitest';
import * as auth from './index.js';

// The apps are written against exactly these names; a rename must be deliberate.
describe('public surface', () => {
  it('exports the runtime API', () => {
    expect(Object.keys(auth).sort()).toEqual(
      [
        'API_KEY_HEADER',
        'API_KEY_QUERY_PARAMETER',
        'KEY_ID_LENGTH',
        'NO_LICENSE_KEY',
        'RateLimitedError',
        'apiKeyAuth',
        'createKeyring',
        'createLicenseChecker',
        'createRateLimiter',
        'defaultRateLimitIdentity',
        'generateLicenseKeyPair',
        'issueLicense',
        'keyIdOf',
        'licenseGuard',
        'presentedKey',
        'rateLimit',
      ].sort(),
    );
  });

  it('RateLimitedError is an AgentError with code rate_limited', () => {
    const error = new auth.RateLimitedError({ retryAfterSec: 7, limit: 10, resetSec: 7 });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('rate_limited');
    expect(error.name).toBe('RateLimitedError');
    expect(error.headers()).toEqual({
      'Retry-After': '7',
      'RateLimit-Limit': '10',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '7',
    });
  });
});
