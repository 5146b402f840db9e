import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
} from 'kysely';
import { WalCheckpointer, type WalCheckpointerOptions } from './sqlite-checkpointer.js';

/**
 * Group commit for the one SQLite connection of a process.
 *
 * Each write used to be its own transaction: a request that stores an
 * incident, its actions and their audit entries committed five or six times,
 * and every commit appends its pages to the WAL and updates the WAL index.
 * Here the writes of everything in flight share one transaction: the first
 * write opens it (BEGIN IMMEDIATE), later writes join it, and it commits once
 * the event loop has run what was ready (setImmediate). A write's promise
 * settles only after that COMMIT, so nothing is acknowledged before it is
 * durable (the kill -9 guarantee holds).
 *
 * Failure keeps writes apart: a statement that fails (a constraint) is undone
 * alone by SQLite and only its caller sees the error; an error that rolls the
 * whole transaction back (SQLITE_FULL, SQLITE_IOERR, a failed COMMIT) fails
 * every write of the group, none of which was acknowledged.
 *
 * Reads run at once on the same connection; they may see writes of the open
 * group (other requests' incidents a moment before their COMMIT). Explicit
 * transactions (migrations, Kysely's `transaction()`) first commit the open
 * group and then hold the connection until they end.
 *
 * Two connections of one process on one file (two stores, as tests open
 * them) must not both hold a group: better-sqlite3 waits for the file's lock
 * synchronously, so the second would block the very event loop that commits
 * the first. Before taking the lock, a group commits the open groups of the
 * other connections to its file.
 */
export class SqliteGroupCommit {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #group: Array<{ resolve: () => void; reject: (error: unknown) => void }> | null = null;
  /** Set while the WAL restarts: writes wait here, in order, and run after it. */
  #waiting: Array<() => void> | null = null;
  #checkpointer: WalCheckpointer | null = null;
  /** Set while an explicit transaction holds the connection; others wait for it. */
  #held: { done: Promise<void>; release: () => void } | null = null;

  readonly #file: string | null;
  /** The file as it was opened (device and inode), to notice it deleted or replaced. */
  readonly #opened: FileIdentity | null;

  /**
   * `checkpoints`: how the WAL of a file in WAL mode is checkpointed: by a
   * worker thread (the default; see sqlite-checkpointer.ts), or `false` for
   * SQLite's automatic checkpoint inside a COMMIT.
   */
  constructor(
    db: Database.Database,
    options: { checkpoints?: false | Partial<Omit<WalCheckpointerOptions, 'file'>> } = {},
  ) {
    this.#db = db;
    this.#file = db.memory ? null : resolve(db.name);
    this.#opened = this.#file === null ? null : fileIdentity(this.#file);
    if (this.#file !== null) {
      const writers = WRITERS_BY_FILE.get(this.#file) ?? new Set();
      writers.add(this);
      WRITERS_BY_FILE.set(this.#file, writers);
    }
    if (options.checkpoints !== false) this.#startCheckpointer(options.checkpoints ?? {});
  }

  /** Whether a worker thread checkpoints this connection's WAL (else SQLite does, in COMMIT). */
  get checkpointsInWorker(): boolean {
    return this.#checkpointer !== null;
  }

  #startCheckpointer(options: Partial<Omit<WalCheckpointerOptions, 'file'>>): void {
    const db = this.#db;
    if (this.#file === null || db.readonly) return;
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') return;
    const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
    try {
      this.#checkpointer = new WalCheckpointer(
        {
          file: this.#file,
          busyTimeoutMs: db.pragma('busy_timeout', { simple: true }) as number,
          ...options,
        },
        () => {
          // The worker died: SQLite checkpoints in COMMIT again, as before.
          this.#checkpointer = null;
          if (db.open) db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
          this.#release();
        },
      );
    } catch {
      // No worker threads here: keep SQLite's automatic checkpoint.
      return;
    }
    db.pragma('wal_autocheckpoint = 0');
  }

  /** Stops the checkpointer, then commits what is open or waiting (the connection is closing). */
  async close(): Promise<void> {
    const checkpointer = this.#checkpointer;
    this.#checkpointer = null;
    await checkpointer?.close();
    this.#release();
    this.flush();
    this.detach();
  }

  /** Runs the writes held back during a WAL restart, in the order they came. */
  #release(): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    if (waiting !== null) for (const run of waiting) run();
  }

  /** Commits the groups other connections of this process hold on the same file. */
  yieldFile(): void {
    if (this.#file === null) return;
    for (const writer of WRITERS_BY_FILE.get(this.#file) ?? []) {
      if (writer !== this) writer.flush();
    }
  }

  /** Forgets this connection (it is closing). */
  detach(): void {
    if (this.#file === null) return;
    const writers = WRITERS_BY_FILE.get(this.#file);
    writers?.delete(this);
    if (writers?.size === 0) WRITERS_BY_FILE.delete(this.#file);
  }

  get database(): Database.Database {
    return this.#db;
  }

  /** A prepared statement; the store's queries are few distinct texts, each prepared once. */
  prepare(source: string): Database.Statement {
    let statement = this.#statements.get(source);
    if (statement === undefined) {
      statement = this.#db.prepare(source);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        this.#statements.delete(this.#statements.keys().next().value as string);
      }
      this.#statements.set(source, statement);
    }
    return statement;
  }

  /**
   * Runs `write` (synchronous statements) inside the open group, opening one
   * if needed; resolves with its value once the group committed.
   */
  write<T>(write: () => T): Promise<T> {
    // Not inside another caller's explicit transaction: after it.
    if (this.#held !== null) return this.whenFree().then(() => this.write(write));
    const waiting = this.#waiting;
    if (waiting !== null) {
      return new Promise<T>((resolve, reject) => {
        waiting.push(() => void this.write(write).then(resolve, reject));
      });
    }
    if (this.#group === null) {
      if (this.#db.inTransaction) {
        // An explicit transaction owns the connection; it commits this write.
        return settle(write);
      }
      try {
        this.yieldFile();
        this.prepare('begin immediate').run();
      } catch (error) {
        return Promise.reject(error);
      }
      this.#group = [];
      setImmediate(() => this.flush());
    }
    const group = this.#group;
    let value: T;
    try {
      value = write();
    } catch (error) {
      if (!this.#db.inTransaction) {
        // SQLite rolled the whole transaction back: no write of the group stays.
        this.#group = null;
        for (const waiter of group) waiter.reject(error);
      }
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => {
      group.push({ resolve: () => resolve(value), reject });
    });
  }

  /** Resolves once no explicit transaction holds the connection. */
  async whenFree(): Promise<void> {
    while (this.#held !== null) await this.#held.done;
  }

  /**
   * Runs one compiled statement, after any explicit transaction that holds
   * the connection: what the store's request path calls instead of Kysely's
   * executor, whose connection handling costs about a dozen promises a
   * statement (each one work for AsyncLocalStorage's hooks when tracing).
   */
  execute<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#held !== null) return this.whenFree().then(() => this.execute<R>(query));
    return this.executeOnConnection<R>(query);
  }

  /**
   * Runs one compiled statement synchronously, inside a `write` callback
   * (or a transaction such a callback holds).
   */
  runNow<R>(query: CompiledQuery): QueryResult<R> {
    return run<R>(this.prepare(query.sql), query.parameters);
  }

  /**
   * The connection's statement runner (what Kysely's driver calls, inside
   * its transactions too): transaction control commits the open group and
   * holds the connection until the transaction ends; reads run at once;
   * writes join the group commit.
   */
  executeOnConnection<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const database = this.#db;
    if (TRANSACTION_CONTROL.test(query.sql)) {
      this.flush();
      this.yieldFile();
      // An explicit transaction's COMMIT is checked as a group's is; it then
      // ends in a rollback (Kysely rolls back when its commit fails).
      const result = settle(() => {
        if (COMMIT.test(query.sql)) this.#checkFile();
        return run<R>(this.prepare(query.sql), query.parameters);
      });
      if (database.inTransaction && this.#held === null) {
        let release = () => {};
        const done = new Promise<void>((resolve) => {
          release = resolve;
        });
        this.#held = { done, release };
      } else if (!database.inTransaction && this.#held !== null) {
        const held = this.#held;
        this.#held = null;
        held.release();
      }
      return result;
    }
    const statement = this.prepare(query.sql);
    // Inside an explicit transaction everything runs in it; reads never wait.
    if (statement.readonly || this.#held !== null) {
      return settle(() => run<R>(statement, query.parameters));
    }
    return this.write(() => run<R>(statement, query.parameters));
  }

  /**
   * Throws SQLITE_READONLY_DBMOVED, SQLite's own code for it, when the file
   * at the path is no longer the one this connection opened (deleted, or
   * replaced by a restore). SQLite in WAL mode keeps writing to the open,
   * unlinked file then, and every incident acknowledged from that moment
   * would be gone at the next start. A stat per commit, not per write.
   */
  #checkFile(): void {
    const opened = this.#opened;
    if (this.#file === null || opened === null) return;
    const now = fileIdentity(this.#file);
    if (now !== null && now.dev === opened.dev && now.ino === opened.ino) return;
    throw Object.assign(
      new Error(
        `the SQLite file ${this.#file} was ${now === null ? 'deleted' : 'replaced'} after this process opened it; writes are refused, as they would be lost: restart the process to open the file now at that path`,
      ),
      { code: 'SQLITE_READONLY_DBMOVED' },
    );
  }

  /** Commits the open group now (before an explicit transaction, on close). */
  flush(): void {
    const group = this.#group;
    if (group === null) return;
    this.#group = null;
    try {
      this.#checkFile();
      this.prepare('commit').run();
    } catch (error) {
      if (this.#db.inTransaction) {
        try {
          this.prepare('rollback').run();
        } catch {
          // The connection is unusable; the next write reports it.
        }
      }
      for (const waiter of group) waiter.reject(error);
      return;
    }
    for (const waiter of group) waiter.resolve();
    const checkpointer = this.#checkpointer;
    if (checkpointer?.wantsRestart) {
      // Hold new writes (nothing else) until the worker has restarted the WAL.
      this.#waiting = [];
      void checkpointer.restart().then(() => this.#release());
    }
  }
}

interface FileIdentity {
  dev: number;
  ino: number;
}

function fileIdentity(file: string): FileIdentity | null {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats === undefined ? null : { dev: stats.dev, ino: stats.ino };
}

/** The group commits of this process, by the file they write. */
const WRITERS_BY_FILE = new Map<string, Set<SqliteGroupCommit>>();

/** Distinct SQL texts kept prepared; past it (dynamic SQL) the oldest is dropped. */
const STATEMENT_CACHE_SIZE = 256;

/** Statements that start or end a transaction (Kysely's, the migrations' raw ones). */
const TRANSACTION_CONTROL = /^\s*(begin|commit|end|rollback|savepoint|release)\b/i;
const COMMIT = /^\s*(commit|end)\b/i;

function settle<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Kysely's SQLite dialect, with a driver that writes through a `SqliteGroupCommit`. */
export class GroupCommitSqliteDialect extends SqliteDialect {
  readonly writer: SqliteGroupCommit;

  constructor(
    database: Database.Database,
    options?: ConstructorParameters<typeof SqliteGroupCommit>[1],
  ) {
    super({ database });
    this.writer = new SqliteGroupCommit(database, options);
  }

  override createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.writer);
  }
}

class GroupCommitSqliteDriver implements Driver {
  readonly #writer: SqliteGroupCommit;
  readonly #connection: DatabaseConnection;

  constructor(writer: SqliteGroupCommit) {
    this.#writer = writer;
    this.#connection = {
      executeQuery: <R>(query: CompiledQuery) => writer.executeOnConnection<R>(query),
      // biome-ignore lint/correctness/useYield: streaming is not supported, as in Kysely's driver for writes
      streamQuery: async function* () {
        throw new Error('knowledge store: streaming queries are not supported on SQLite');
      },
    };
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#writer.whenFree();
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    await this.#writer.close();
    this.#writer.database.close();
  }
}

function run<R>(statement: Database.Statement, parameters: readonly unknown[]): QueryResult<R> {
  if (statement.reader) return { rows: statement.all(parameters) as R[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return {
    numAffectedRows: changes === undefined || changes === null ? undefined : BigInt(changes),
    insertId:
      lastInsertRowid === undefined || lastInsertRowid === null
        ? undefined
        : BigInt(lastInsertRowid),
    rows: [],
  };
}
