import { AgentError } from '@agent/core';
import type { RateLimitDecision } from './rate-limiter.js';

/**
 * `rate_limited` with what the HTTP edge needs to answer it: the app's error
 * handler builds a fresh response, so it reads `retryAfterSec` (and the
 * `RateLimit-*` values) from here rather than trusting headers set earlier.
 */
export class RateLimitedError extends AgentError {
  readonly retryAfterSec: number;
  readonly limit: number;
  readonly resetSec: number;

  constructor(decision: Pick<RateLimitDecision, 'retryAfterSec' | 'limit' | 'resetSec'>) {
    super('rate_limited', `rate limit exceeded; retry in ${decision.retryAfterSec} s`);
    this.name = 'RateLimitedError';
    this.retryAfterSec = decision.retryAfterSec;
    this.limit = decision.limit;
    this.resetSec = decision.resetSec;
  }

  /** The headers a 429 carries: `Retry-After` and the `RateLimit-*` trio. */
  headers(): Record<string, string> {
    return {
      'Retry-After': String(this.retryAfterSec),
      'RateLimit-Limit': String(this.limit),
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': String(this.resetSec),
    };
  }
}
