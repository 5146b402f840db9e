import {
  type CompiledQuery,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Kysely,
  PostgresDialect,
  type QueryResult,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';
import pg from 'pg';
import type { StoreLogger } from './store-logger.js';

export interface PostgresConnectionOptions {
  databaseUrl: string;
  /** How long to wait for a connection before the store is reported unavailable. */
  connectionTimeoutMs?: number | undefined;
  /** Pool size per process. */
  maxConnections?: number | undefined;
  /** The server-side statement_timeout of every connection. */
  statementTimeoutMs?: number | undefined;
  logger?: StoreLogger | undefined;
}

export const DEFAULT_CONNECTION_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_CONNECTIONS = 10;
/**
 * The store's statements take milliseconds. One that waits longer is stuck
 * behind a lock held elsewhere (a forgotten psql session, a long migration
 * of another application): without a limit, process_log hung for as long as
 * the lock stayed, and with it the pool's every connection. Past this the
 * server cancels it (57014) and the request answers 503 store_unavailable.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;

/**
 * PostgreSQL text cannot hold U+0000: one in a bound string fails the whole
 * statement (22021), so an actuator's output with a NUL byte lost the
 * action's result, and an id with one in a URL answered 500, not 404. This
 * client binds U+0000 as U+FFFD, as the driver already binds a lone
 * surrogate (UTF-8 cannot encode it): text keeps its length and place, and a
 * lookup by such a key finds nothing, which is right, as no stored key holds
 * U+0000. Every statement of the pool, Kysely's and executeOnPool's, binds
 * through `query` here.
 */
class NulSafeClient extends pg.Client {}
const clientQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(NulSafeClient.prototype as { query: unknown }).query = function query(
  this: pg.Client,
  ...args: unknown[]
): unknown {
  const [first, values] = args;
  if (Array.isArray(values) && values.some(holdsNul)) {
    args[1] = values.map(withoutNul);
  } else if (isQueryConfig(first) && Array.isArray(first.values) && first.values.some(holdsNul)) {
    args[0] = { ...first, values: first.values.map(withoutNul) };
  }
  return clientQuery.apply(this, args);
};

function holdsNul(value: unknown): boolean {
  return typeof value === 'string' && value.includes('\u0000');
}

function withoutNul(value: unknown): unknown {
  return holdsNul(value) ? (value as string).replaceAll('\u0000', '\uFFFD') : value;
}

function isQueryConfig(value: unknown): value is { values?: unknown[] } {
  return typeof value === 'object' && value !== null && 'text' in value;
}

export function createPostgresPool(options: PostgresConnectionOptions): pg.Pool {
  const pool = new pg.Pool({
    Client: NulSafeClient,
    connectionString: options.databaseUrl,
    // pg waits forever for a connection by default; a store that is down
    // must fail fast so the request can answer 503.
    connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
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

/**
 * Runs a compiled statement on a pooled connection, answering as Kysely's
 * PostgreSQL connection does (rows, and the affected row count of a write).
 * The store's request-path statements take this path: Kysely's executor
 * (providing, wrapping and releasing a connection) cost more promises a
 * statement than the statement's own round trip took in JavaScript.
 */
export async function executeOnPool<R>(
  pool: pg.Pool,
  query: CompiledQuery,
): Promise<QueryResult<R>> {
  const { command, rowCount, rows } = await pool.query<R & pg.QueryResultRow>(query.sql, [
    ...query.parameters,
  ]);
  return {
    rows: rows ?? [],
    numAffectedRows:
      WRITE_COMMANDS.has(command) && rowCount !== null ? BigInt(rowCount) : undefined,
  };
}

const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

export function createPostgresDialect(pool: pg.Pool): PostgresDialect {
  return new CurrentSchemaPostgresDialect({ pool });
}

/**
 * Kysely's PostgreSQL dialect, introspecting only the schema the connection
 * works in. Kysely's own introspector (which its migrator asks whether the
 * migration tables exist) scans every schema of the database and resolves
 * each by name; another application dropping a schema of its own at that
 * moment made migrations fail with "schema does not exist" (3F000), seen when
 * test runs shared a database.
 */
class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

/**
 * The tables and views of `current_schema()`, by name only: the migrator,
 * the one user of introspection here, only asks whether its tables exist.
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(
      this.#db,
    );
    return rows.flatMap((row) => (row.name ? [{ name: row.name }] : []));
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; kind: string }>`
      select c.relname as name, ns.nspname as schema, c.relkind as kind
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
      order by c.relname`.execute(this.#db);
    return rows.map((row) => ({
      name: row.name,
      schema: row.schema,
      isView: row.kind === 'v',
      columns: [],
    }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}
