import { realpathSync } from 'node:fs';
import { StoreUnavailableError, ValidationError } from '@agent/core';
import { Kysely } from 'kysely';
import type pg from 'pg';
import { type MigrationReport, migrateToLatest } from './migrate-to-latest.js';
import { createPostgresDialect, createPostgresPool } from './postgres-dialect.js';
import type { KnowledgeDatabase, SqlDialectName } from './schema.js';
import { SqlKnowledgeStore } from './sql-knowledge-store.js';
import {
  createSqliteDialect,
  openSqliteDatabase,
  refuseAnotherApplicationsFile,
} from './sqlite-dialect.js';
import { SQLITE_DRIVER } from './sqlite-driver.js';
import type { SqliteGroupCommit } from './sqlite-group-commit.js';
import { toStoreError } from './store-errors.js';
import type { StoreLogger } from './store-logger.js';

export interface KnowledgeStoreOptions {
  /** `postgres://...`: use PostgreSQL. Takes precedence over `dbPath`. */
  databaseUrl?: string | undefined;
  /** The SQLite file (the default backend); missing parent directories are created. */
  dbPath?: string | undefined;
  logger?: StoreLogger | undefined;
  /** SQLite: how long a write waits for another writer (default 5000 ms). */
  busyTimeoutMs?: number | undefined;
  /** SQLite: open the file read-only; it must exist and be migrated already. */
  readonly?: boolean | undefined;
  /** PostgreSQL: how long to wait for a connection before failing (default 5000 ms). */
  connectionTimeoutMs?: number | undefined;
  /** PostgreSQL: connections in this process's pool (default 10). */
  maxConnections?: number | undefined;
  /**
   * PostgreSQL: how long a statement may run, lock waits included, before
   * the server cancels it and the store answers unavailable (default 10000
   * ms; migrations are not limited).
   */
  statementTimeoutMs?: number | undefined;
}

/**
 * Opens the knowledge store and migrates its schema to the newest version.
 * Rejects with `StoreUnavailableError` when the database cannot be opened,
 * reached or written.
 */
export async function createKnowledgeStore(
  options: KnowledgeStoreOptions,
): Promise<SqlKnowledgeStore> {
  const opened = openDatabase(options);
  try {
    await migrateToLatest(opened.db, opened);
  } catch (error) {
    await opened.db.destroy().catch(() => undefined);
    throw toStoreError(error, `knowledge store: migrate ${opened.location}`);
  }
  return new SqlKnowledgeStore(opened.db, opened.dialect, {
    sqlite: opened.sqlite,
    postgres: opened.postgres,
    description: opened.description,
  });
}

/**
 * Applies pending migrations and reports what it did (`devops-agent migrate`).
 * Safe to run while servers start: see `migrateToLatest`.
 */
export async function runMigrations(options: KnowledgeStoreOptions): Promise<MigrationReport> {
  const opened = openDatabase(options);
  try {
    return await migrateToLatest(opened.db, opened);
  } catch (error) {
    throw toStoreError(error, `knowledge store: migrate ${opened.location}`);
  } finally {
    await opened.db.destroy().catch(() => undefined);
  }
}

interface OpenedDatabase {
  db: Kysely<KnowledgeDatabase>;
  dialect: SqlDialectName;
  /** What and where the database is, for operators (no credentials). */
  description: string;
  /** Where, shorter: `SQLite <file>` or `PostgreSQL host:port/database`, for errors. */
  location: string;
  /** The SQLite file's real path: migrations of one file are queued within the process. */
  sqliteFile?: string | undefined;
  /** The SQLite connection under `db`, with its group commit. */
  sqlite?: SqliteGroupCommit | undefined;
  /** The PostgreSQL pool under `db`. */
  postgres?: pg.Pool | undefined;
}

function openDatabase(options: KnowledgeStoreOptions): OpenedDatabase {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    if (!/^postgres(ql)?:\/\//.test(options.databaseUrl)) {
      throw new ValidationError('databaseUrl: expected a postgres:// or postgresql:// URL');
    }
    // Creating the pool connects nothing yet; the first query (the migration
    // lock) is what reaches the server, and its failure is mapped there.
    const pool = createPostgresPool({
      databaseUrl: options.databaseUrl,
      connectionTimeoutMs: options.connectionTimeoutMs,
      maxConnections: options.maxConnections,
      statementTimeoutMs: options.statementTimeoutMs,
      logger: options.logger,
    });
    const location = describePostgres(options.databaseUrl);
    return {
      db: new Kysely<KnowledgeDatabase>({ dialect: createPostgresDialect(pool) }),
      dialect: 'postgres',
      description: location,
      location,
      postgres: pool,
    };
  }
  if (options.dbPath === undefined || options.dbPath === '') {
    throw new ValidationError('knowledge store: give databaseUrl (PostgreSQL) or dbPath (SQLite)');
  }
  try {
    if (!options.readonly) refuseAnotherApplicationsFile(options.dbPath);
    const database = openSqliteDatabase({
      dbPath: options.dbPath,
      busyTimeoutMs: options.busyTimeoutMs,
      readonly: options.readonly,
      logger: options.logger,
    });
    const sqliteFile = database.memory ? undefined : realpathSync(options.dbPath);
    const dialect = createSqliteDialect(database);
    const version = database.prepare('select sqlite_version()').pluck().get() as string;
    const location = `SQLite ${sqliteFile ?? 'in memory'}`;
    return {
      db: new Kysely<KnowledgeDatabase>({ dialect }),
      dialect: 'sqlite',
      description: `${location} (SQLite ${version}, ${SQLITE_DRIVER})`,
      location,
      sqliteFile,
      sqlite: dialect.writer,
    };
  } catch (error) {
    // Whatever stops the file opening means the store is not there: a
    // directory that cannot be created (ENOTDIR, EACCES from mkdir),
    // better-sqlite3's TypeError for a missing directory, SQLITE_CANTOPEN.
    // The reason names the path that failed (fs errors end in it).
    const code = (error as { code?: unknown } | null)?.code;
    const reason = error instanceof Error ? error.message : String(error);
    const detail = typeof code === 'string' && !reason.startsWith(code) ? ` (${code})` : '';
    throw new StoreUnavailableError(
      `knowledge store: cannot open the SQLite file ${options.dbPath}: ${reason}${detail}`,
      { cause: error },
    );
  }
}

/** `PostgreSQL host:port/database`: the URL without its user, password or options. */
function describePostgres(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    // `?host=` wins over the URL's host, as in libpq: a Unix socket directory.
    const host = url.searchParams.get('host') || url.hostname || 'localhost';
    return `PostgreSQL ${host}:${url.port || '5432'}${url.pathname || '/'}`;
  } catch {
    return 'PostgreSQL';
  }
}
