import { PostgresDialect } from 'kysely';
import pg from 'pg';
import type { StoreLogger } from './store-logger.js';

export interface PostgresConnectionOptions {
  databaseUrl: string;
  /** How long to wait for a connection before the store is reported unavailable. */
  connectionTimeoutMs?: number | undefined;
  /** Pool size per process. */
  maxConnections?: number | undefined;
  logger?: StoreLogger | undefined;
}

export const DEFAULT_CONNECTION_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_CONNECTIONS = 10;

export function createPostgresPool(options: PostgresConnectionOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    // pg waits forever for a connection by default; a store that is down
    // must fail fast so the request can answer 503.
    connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server goes away emits 'error' on the pool; with no
  // listener Node treats it as unhandled and the process exits. The pool drops
  // that client and the next query connects afresh, so a warning is enough.
  pool.on('error', (error: Error & { code?: string }) => {
    options.logger?.warn(
      { err: { name: error.name, code: error.code, message: error.message } },
      'knowledge store: an idle PostgreSQL connection failed; it will be replaced',
    );
  });
  // A client that is checked out (running a query, or holding the migration
  // lock) when its server goes away emits 'error' on itself, not on the pool.
  // The query in flight already fails and is answered as store_unavailable; this
  // listener only keeps the event from crashing the process.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

export function createPostgresDialect(pool: pg.Pool): PostgresDialect {
  return new PostgresDialect({ pool });
}
