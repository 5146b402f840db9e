import { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

/** The one thing the limiter needs from a logger (pino's shape). */
export interface RateLimiterLogger {
  warn(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
}

export interface RateLimiterOptions {
  /** Requests allowed per window and identity (`RATE_LIMIT_REQUESTS`). */
  readonly requests: number;
  /** Window length in whole seconds (`RATE_LIMIT_WINDOW_SEC`). */
  readonly windowSec: number;
  /** `REDIS_URL`: share the limit across replicas. Unset or null: in memory. */
  readonly redisUrl?: string | null;
  readonly logger?: RateLimiterLogger;
  /** Prefix of the Redis keys, after `agent:rl:` (tests use a unique one per run). */
  readonly keyPrefix?: string;
  /** Give up connecting to Redis after this long (default 2000 ms); reconnects go on in the background. */
  readonly connectTimeoutMs?: number;
  /** A Redis command slower than this fails over to memory for that request (default 1000 ms). */
  readonly commandTimeoutMs?: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** The configured limit (`RateLimit-Limit`). */
  readonly limit: number;
  /** Requests left in the current window (`RateLimit-Remaining`). */
  readonly remaining: number;
  /** Seconds until the window resets (`RateLimit-Reset`). */
  readonly resetSec: number;
  /** Seconds the client should wait (`Retry-After`); 0 when allowed. */
  readonly retryAfterSec: number;
}

export interface RateLimiterStatus {
  readonly backend: 'memory' | 'redis';
  /** True while Redis is configured but not answering and limits are kept in memory. */
  readonly degraded: boolean;
  readonly error?: string;
}

export interface RateLimiter {
  consume(id: string): Promise<RateLimitDecision>;
  status(): RateLimiterStatus;
  close(): Promise<void>;
}

const REDIS_KEY_PREFIX = 'agent:rl';
/** After a Redis command fails over to memory, report degraded for this long. */
const FALLBACK_REPORT_MS = 10_000;

export async function createRateLimiter(options: RateLimiterOptions): Promise<RateLimiter> {
  const { requests, windowSec } = options;
  if (!Number.isInteger(requests) || requests < 1) {
    throw new TypeError(`createRateLimiter: requests must be a whole number >= 1, not ${requests}`);
  }
  // rate-limiter-flexible's Redis store keeps whole seconds.
  if (!Number.isInteger(windowSec) || windowSec < 1) {
    throw new TypeError(
      `createRateLimiter: windowSec must be a whole number >= 1, not ${windowSec}`,
    );
  }

  if (!options.redisUrl) {
    const memory = new RateLimiterMemory({ points: requests, duration: windowSec });
    return {
      consume: (id) => consumeWith(memory, id, requests),
      status: () => ({ backend: 'memory', degraded: false }),
      close: async () => {},
    };
  }
  return createRedisRateLimiter({ ...options, redisUrl: options.redisUrl });
}

async function createRedisRateLimiter(
  options: RateLimiterOptions & { redisUrl: string },
): Promise<RateLimiter> {
  const { requests, windowSec, logger } = options;
  const client = new Redis(options.redisUrl, {
    lazyConnect: true,
    // Without an offline queue a command sent while Redis is away fails at
    // once, so the request is limited in memory instead of waiting.
    enableOfflineQueue: false,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    maxRetriesPerRequest: 1,
    // Keep trying for ever, at most every 2 s: that is how it recovers by itself.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });

  // Two ways to be degraded: the connection is down (ioredis events say when
  // it goes and comes back), or it is up but a command failed or timed out
  // (reported for FALLBACK_REPORT_MS after the last such failure).
  let connectionDown = false;
  let connectionError: string | undefined;
  let closing = false;
  let lastFallbackAt = 0;
  let lastFallbackWarningAt = Number.NEGATIVE_INFINITY;

  const connectionLost = (error: string): void => {
    connectionError = error;
    if (connectionDown || closing) return;
    connectionDown = true;
    // Once per outage, not once per reconnect attempt.
    logger?.warn(
      { backend: 'redis', error },
      'rate limits: Redis is unreachable; limiting in memory until it is back',
    );
  };
  const connectionBack = (): void => {
    connectionError = undefined;
    if (!connectionDown) return;
    connectionDown = false;
    const log = logger?.info ?? logger?.warn;
    log?.call(logger, { backend: 'redis' }, 'rate limits: Redis is reachable again');
  };

  // ioredis emits an error on every failed reconnect; without a listener
  // Node would print each one as unhandled.
  client.on('error', (error: Error) => connectionLost(redactUrl(error.message)));
  client.on('close', () => connectionLost(connectionError ?? 'Redis connection closed'));
  client.on('ready', connectionBack);

  // The memory limiter takes over whenever a Redis call fails, so Redis
  // being down never lets requests through unlimited. Each replica then
  // limits on its own until Redis is back.
  const onFallback = (): void => {
    // While the connection is down the connection events tell the story;
    // counting those fallbacks here would keep reporting degraded after it is back.
    if (client.status !== 'ready') return;
    const now = Date.now();
    lastFallbackAt = now;
    if (now - lastFallbackWarningAt >= FALLBACK_REPORT_MS) {
      lastFallbackWarningAt = now;
      logger?.warn({ backend: 'redis' }, 'rate limits: a Redis command failed; limited in memory');
    }
  };
  const insured = new FallbackMemoryLimiter({ points: requests, duration: windowSec }, onFallback);

  const redis = new RateLimiterRedis({
    storeClient: client,
    keyPrefix: options.keyPrefix ? `${REDIS_KEY_PREFIX}:${options.keyPrefix}` : REDIS_KEY_PREFIX,
    points: requests,
    duration: windowSec,
    // Go straight to the insurance limiter while the client is not ready.
    rejectIfRedisNotReady: true,
    insuranceLimiter: insured,
  });

  try {
    await client.connect();
  } catch (error) {
    // Start anyway: the service must run without Redis. ioredis keeps
    // reconnecting in the background. The 'error' event has already said
    // why (connect() itself only says the connection closed).
    connectionLost(
      connectionError ?? redactUrl(error instanceof Error ? error.message : String(error)),
    );
  }

  return {
    consume: (id) => consumeWith(redis, id, requests),
    status() {
      if (client.status !== 'ready') {
        return {
          backend: 'redis',
          degraded: true,
          error: connectionError ?? `Redis connection is ${client.status}`,
        };
      }
      if (Date.now() - lastFallbackAt < FALLBACK_REPORT_MS) {
        return { backend: 'redis', degraded: true, error: 'a Redis command failed or timed out' };
      }
      return { backend: 'redis', degraded: false };
    },
    async close() {
      closing = true;
      if (client.status === 'ready') {
        await client.quit().catch(() => client.disconnect());
      } else {
        client.disconnect();
      }
    },
  };
}

/** The insurance limiter, telling the Redis limiter's owner each time it has to step in. */
class FallbackMemoryLimiter extends RateLimiterMemory {
  readonly #onUse: () => void;

  constructor(options: ConstructorParameters<typeof RateLimiterMemory>[0], onUse: () => void) {
    super(options);
    this.#onUse = onUse;
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): Promise<RateLimiterRes> {
    this.#onUse();
    return super.consume(...args);
  }
}

async function consumeWith(
  limiter: RateLimiterAbstract,
  id: string,
  limit: number,
): Promise<RateLimitDecision> {
  let result: RateLimiterRes;
  let allowed: boolean;
  try {
    result = await limiter.consume(id);
    allowed = true;
  } catch (rejection) {
    // rate-limiter-flexible rejects with a RateLimiterRes when over the
    // limit; anything else is a real failure and must not admit the request.
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    result = rejection;
    allowed = false;
  }
  const resetSec = Math.max(0, Math.ceil(result.msBeforeNext / 1000));
  return {
    allowed,
    limit,
    remaining: Math.max(0, result.remainingPoints),
    resetSec,
    retryAfterSec: allowed ? 0 : Math.max(1, resetSec),
  };
}

/** ioredis errors can name the server; never let a password in a URL through. */
function redactUrl(message: string): string {
  return message.replace(/\/\/[^@/\s]*@/g, '//***@');
}
