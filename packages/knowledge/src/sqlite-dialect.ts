import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { SqliteDatabase } from './sqlite-driver.js';
import { GroupCommitSqliteDialect } from './sqlite-group-commit.js';
import type { StoreLogger } from './store-logger.js';

export interface SqliteConnectionOptions {
  dbPath: string;
  /** How long a writer waits for the lock held by another connection or process. */
  busyTimeoutMs?: number | undefined;
  /** Open the file read-only (inspection tools; tests of a store that cannot be written). */
  readonly?: boolean | undefined;
  logger?: StoreLogger | undefined;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the SQLite file with the settings every connection needs. WAL lets
 * readers run beside the single writer; synchronous=NORMAL in WAL mode keeps
 * every committed transaction across a process crash (kill -9) and only risks
 * the last commits on power loss, which is the trade the issue asks for.
 * busy_timeout makes a writer wait for another process's write instead of
 * failing at once. foreign_keys is off by default in SQLite and must be set on
 * each connection.
 */
export function openSqliteDatabase(options: SqliteConnectionOptions): Database.Database {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const inMemory = options.dbPath === ':memory:';
  if (!inMemory && !options.readonly) {
    makeDirectories(dirname(resolve(options.dbPath)));
  }
  const database = new SqliteDatabase(options.dbPath, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
    timeout: busyTimeoutMs,
  });
  try {
    database.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    // Switching to WAL writes the file header, so a read-only connection
    // keeps whatever mode the file already has.
    if (!options.readonly && !inMemory) {
      const mode = switchToWal(database, busyTimeoutMs);
      // Some file systems (network mounts) cannot hold the WAL index; SQLite
      // then keeps the rollback journal, which is correct but slower.
      if (mode !== 'wal') {
        options.logger?.warn(
          { journalMode: mode },
          'knowledge store: SQLite could not switch to WAL; readers will wait for writers',
        );
      }
    }
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}

/**
 * Refuses a file that holds another application's tables. Migrating it would
 * add the store's tables beside them and switch the file to WAL mode, which
 * the other application may not expect: a DB_PATH pointed at, say, a
 * grafana.db by mistake was quietly changed so. A file of this store has
 * Kysely's migration table; a new file has no tables at all.
 */
export function refuseAnotherApplicationsFile(dbPath: string): void {
  if (dbPath === ':memory:' || !existsSync(dbPath)) return;
  const database = new SqliteDatabase(dbPath, { readonly: true, fileMustExist: true });
  let tables: string[];
  try {
    tables = database
      .prepare(
        "select name from sqlite_master where type in ('table', 'view') and name not like 'sqlite\\_%' escape '\\' order by name",
      )
      .pluck()
      .all() as string[];
  } finally {
    database.close();
  }
  if (tables.length === 0 || tables.includes(MIGRATION_TABLE)) return;
  const shown = `${tables.slice(0, 5).join(', ')}${tables.length > 5 ? `, and ${tables.length - 5} more` : ''}`;
  throw new Error(
    `it holds another application's tables (${shown}); the knowledge store would add its own beside them and switch the file to WAL mode: point DB_PATH (the CLI's --db) at a new file, or at one this agent created`,
  );
}

/** Kysely's bookkeeping table, which every file this store migrated has. */
const MIGRATION_TABLE = 'kysely_migration';

/**
 * `mkdir -p` that fails instead of spinning. Node's `mkdirSync(path, {
 * recursive: true })` takes ENOENT to mean "the parent is missing", creates
 * the parent, gets EEXIST and tries the child again, forever, where a parent
 * exists but cannot hold directories and answers ENOENT (procfs: a DB_PATH
 * under /proc froze the server at start-up, a core busy, nothing logged).
 * Here each missing directory is made once, top down; EEXIST is fine (another
 * process made it), any other error is thrown.
 */
export function makeDirectories(directory: string): void {
  const missing: string[] = [];
  for (let path = resolve(directory); !existsSync(path); ) {
    missing.push(path);
    const parent = dirname(path);
    if (parent === path) break;
    path = parent;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * `PRAGMA journal_mode = WAL`, tried again while another process holds the
 * lock it needs. Switching a file to WAL takes an exclusive lock from a
 * shared one; when two processes open a fresh file at once (replicas
 * starting together), each holds the shared lock the other waits on, and
 * SQLite answers SQLITE_BUSY at once rather than wait on that deadlock. One
 * of them wins on a later try, and the others then find the file in WAL
 * mode already. Synchronous, like opening the file.
 */
function switchToWal(database: Database.Database, busyTimeoutMs: number): unknown {
  const deadline = Date.now() + busyTimeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return database.pragma('journal_mode = WAL', { simple: true });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) {
        throw error;
      }
      // A short, jittered pause, so the processes do not retry in step.
      Atomics.wait(pause, 0, 0, 5 + Math.random() * 20);
    }
  }
}

/**
 * Kysely's SQLite dialect over the connection, writing through group commit,
 * its WAL checkpointed by a worker thread (see sqlite-checkpointer.ts).
 */
export function createSqliteDialect(
  database: Database.Database,
  options?: ConstructorParameters<typeof GroupCommitSqliteDialect>[1],
): GroupCommitSqliteDialect {
  return new GroupCommitSqliteDialect(database, options);
}
