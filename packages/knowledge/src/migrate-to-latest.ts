import { AgentError } from '@agent/core';
import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely';
import { inMemoryMigrationProvider } from './migrations/migration-provider.js';
import type { KnowledgeDatabase, SqlDialectName } from './schema.js';
import { MigrationFailure } from './store-errors.js';

export interface MigrationReport {
  /** Migrations this call applied, in order; empty when the schema was already current. */
  applied: string[];
  /** The newest migration the database has now. */
  current: string;
}

/**
 * Our own session-level advisory lock key (an arbitrary constant, distinct
 * from Kysely's 3853314791062309107).
 */
const PG_MIGRATION_LOCK_KEY = '7316023950012025001';

/**
 * Brings the schema to the newest migration, safely when several processes
 * start at once.
 *
 * PostgreSQL: Kysely 0.28's PostgresAdapter already holds a session-level
 * `pg_advisory_lock` around reading the applied list and running the
 * migrations, but it creates its bookkeeping tables before taking that lock
 * (racing CREATE TABLE IF NOT EXISTS and recovering by re-checking). We hold
 * our own advisory lock on one connection around the whole call, so a second
 * replica simply waits and then finds nothing to do.
 *
 * SQLite: Kysely's lock is a no-op (it assumes the single connection of one
 * process; its lock table is never used there) and its migration transaction
 * is a deferred BEGIN, so two processes both read "nothing applied" and the
 * later one fails ("table ... already exists"; seen for 4-5 of 6 processes
 * started together on a fresh file). busy_timeout alone does not help. So we
 * run the migrator inside our own BEGIN IMMEDIATE, which takes the write lock
 * before reading what is applied and waits on busy_timeout for another
 * process's migration to commit; and we queue migrations of the same file
 * within this process, because better-sqlite3 waits synchronously and would
 * block the very connection it waits for.
 */
export async function migrateToLatest(
  db: Kysely<KnowledgeDatabase>,
  target: { dialect: SqlDialectName; sqliteFile?: string | undefined },
): Promise<MigrationReport> {
  if (target.dialect === 'postgres') return migratePostgres(db);
  return queueByKey(target.sqliteFile ?? '', () => migrateSqlite(db));
}

async function migratePostgres(db: Kysely<KnowledgeDatabase>): Promise<MigrationReport> {
  return db.connection().execute(async (connection) => {
    // Migrations may wait for another replica's and build indexes on large
    // tables: the pool's statement_timeout is for requests, not for them.
    await sql`set statement_timeout = 0`.execute(connection);
    await sql`select pg_advisory_lock(${sql.raw(PG_MIGRATION_LOCK_KEY)})`.execute(connection);
    try {
      // Kysely decides whether its bookkeeping table exists by looking in
      // every schema; pinning it to the schema we create tables in keeps
      // databases that hold several schemas (one per tenant or per test run)
      // apart.
      const { rows } = await sql<{
        schema: string | null;
      }>`select current_schema() as schema`.execute(connection);
      const schema = rows[0]?.schema;
      if (!schema) {
        throw new AgentError(
          'internal_error',
          'knowledge store: the PostgreSQL search_path names no existing schema to create tables in',
        );
      }
      const migrator = new Migrator({
        db: connection,
        provider: inMemoryMigrationProvider,
        migrationTableSchema: schema,
      });
      return await report(migrator, await migrator.migrateToLatest());
    } finally {
      await sql`select pg_advisory_unlock(${sql.raw(PG_MIGRATION_LOCK_KEY)})`.execute(connection);
      // Back to the pool's setting (the connection's start-up value) before
      // the connection serves requests.
      await sql`reset statement_timeout`.execute(connection);
    }
  });
}

async function migrateSqlite(db: Kysely<KnowledgeDatabase>): Promise<MigrationReport> {
  // Most starts find nothing to do: answer without taking the write lock, so
  // a read-only file can still be opened once it is migrated.
  const probe = new Migrator({ db, provider: inMemoryMigrationProvider });
  const known = await probe.getMigrations();
  if (known.every((migration) => migration.executedAt !== undefined)) {
    // A newer build may have applied migrations this one does not know; the
    // full path lets Kysely refuse that, as it does on PostgreSQL.
    const { rows } = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(
      db,
    );
    if (Number(rows[0]?.n) === known.length) {
      return { applied: [], current: known.at(-1)?.name ?? '' };
    }
  }
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const migrator = new Migrator({
        db: connection,
        provider: inMemoryMigrationProvider,
        // The transaction is ours (BEGIN IMMEDIATE above), not Kysely's deferred BEGIN.
        disableTransactions: true,
      });
      const result = await report(migrator, await migrator.migrateToLatest());
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

async function report(migrator: Migrator, outcome: MigrationResultSet): Promise<MigrationReport> {
  if (outcome.error !== undefined) {
    const failed = outcome.results?.find((result) => result.status === 'Error');
    if (outcome.error instanceof AgentError) throw outcome.error;
    // Keep the driver error as the cause; the caller maps it (unavailable or a bug).
    throw new MigrationFailure(
      failed ? `migration ${failed.migrationName} failed` : 'migrations could not run',
      outcome.error,
    );
  }
  const applied = (outcome.results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
  const migrations = await migrator.getMigrations();
  const current = migrations.filter((migration) => migration.executedAt !== undefined).at(-1);
  return { applied, current: current?.name ?? '' };
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task with the same key has settled. */
async function queueByKey<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.catch(() => undefined);
  queues.set(key, settled);
  try {
    return await run;
  } finally {
    if (queues.get(key) === settled) queues.delete(key);
  }
}
