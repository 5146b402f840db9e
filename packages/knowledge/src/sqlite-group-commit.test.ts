import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WalCheckpointer } from './sqlite-checkpointer.js';
import { createSqliteDialect, openSqliteDatabase } from './sqlite-dialect.js';
import { SqliteDatabase as Database } from './sqlite-driver.js';

// biome-ignore lint/suspicious/noExplicitAny: a scratch table, typed loosely
type Scratch = any;

const dirs: string[] = [];
const open: Array<Kysely<Scratch>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.destroy()));
});
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function scratch(options?: Parameters<typeof createSqliteDialect>[1]) {
  const dir = await mkdtemp(join(tmpdir(), 'group-commit-'));
  dirs.push(dir);
  const path = join(dir, 'g.db');
  const database = openSqliteDatabase({ dbPath: path });
  let commits = 0;
  const prepare = database.prepare.bind(database);
  // Counts the COMMITs the group commit runs (it prepares each text once).
  database.prepare = ((source: string) => {
    const statement = prepare(source);
    if (!/^commit$/i.test(source)) return statement;
    const run = statement.run.bind(statement);
    statement.run = ((...params: unknown[]) => {
      commits += 1;
      return run(...params);
    }) as typeof statement.run;
    return statement;
  }) as typeof database.prepare;
  const dialect = createSqliteDialect(database, options);
  const db = new Kysely<Scratch>({ dialect });
  open.push(db);
  await sql`create table t (id integer primary key, v text not null)`.execute(db);
  return { db, path, database, writer: dialect.writer, commits: () => commits };
}

const insert = (db: Kysely<Scratch>, id: number, v = 'x') =>
  db.insertInto('t').values({ id, v }).execute();

describe('SQLite group commit', () => {
  it('commits writes in flight together, and acknowledges each only once it is committed', async () => {
    const { db, path, commits } = await scratch();
    const before = commits();
    const other = new Database(path, { readonly: true });
    try {
      const writes = Array.from({ length: 40 }, (_, n) =>
        insert(db, n).then(() => {
          // Acknowledged means another connection can read it.
          expect(other.prepare('select count(*) as n from t where id = ?').get(n)).toEqual({
            n: 1,
          });
        }),
      );
      await Promise.all(writes);
      expect(commits() - before).toBe(1);
      expect(other.prepare('select count(*) as n from t').get()).toEqual({ n: 40 });
    } finally {
      other.close();
    }
  });

  it('fails only the statement that failed; the rest of the group commits', async () => {
    const { db } = await scratch();
    await insert(db, 1);
    const results = await Promise.allSettled([insert(db, 2), insert(db, 1), insert(db, 3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const rows = await db.selectFrom('t').select('id').orderBy('id').execute();
    expect(rows.map((r: { id: number }) => r.id)).toEqual([1, 2, 3]);
  });

  it('on a full disk, keeps exactly the writes it acknowledged, then works again', async () => {
    const { db, database } = await scratch();
    await insert(db, 1);
    const pages = database.pragma('page_count', { simple: true }) as number;
    database.pragma(`max_page_count = ${pages}`);
    const big = 'y'.repeat(64 * 1024);
    const results = await Promise.allSettled([insert(db, 2), insert(db, 3, big), insert(db, 4)]);
    expect((results[1] as PromiseRejectedResult).reason.code).toMatch(/^SQLITE_FULL/);
    // Whether SQLite undid the statement or the whole group, what was
    // acknowledged is there and what was refused is not.
    const stored = (await db.selectFrom('t').select('id').execute()).map(
      (r: { id: number }) => r.id,
    );
    results.forEach((result, n) => {
      expect(stored.includes(n + 2)).toBe(result.status === 'fulfilled');
    });

    database.pragma('max_page_count = 1073741823');
    await insert(db, 5, big);
    expect(await db.selectFrom('t').select('id').where('id', '=', 5).execute()).toEqual([
      { id: 5 },
    ]);
  });

  it('lets an explicit transaction run alone after committing the open group', async () => {
    const { db } = await scratch();
    const pending = insert(db, 1);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 2, v: 'in tx' }).execute();
      // Another caller waits for the transaction instead of writing inside it.
      const outside = insert(db, 3);
      await new Promise((resolve) => setImmediate(resolve));
      const seen = await trx.selectFrom('t').select('id').orderBy('id').execute();
      expect(seen.map((r: { id: number }) => r.id)).toEqual([1, 2]);
      void outside;
    });
    await pending;
    await new Promise((resolve) => setTimeout(resolve, 10));
    const rows = await db.selectFrom('t').select('id').orderBy('id').execute();
    expect(rows.map((r: { id: number }) => r.id)).toEqual([1, 2, 3]);
  });

  it('runs a compiled statement given to it directly after an explicit transaction, not inside it', async () => {
    const { db, writer } = await scratch();
    let direct: Promise<unknown> | undefined;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ id: 1, v: 'rolled back' }).execute();
        // The store's request path runs its statements this way, past Kysely.
        direct = writer.execute(db.insertInto('t').values({ id: 2, v: 'direct' }).compile());
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await direct;
    const rows = await db.selectFrom('t').select(['id', 'v']).orderBy('id').execute();
    expect(rows).toEqual([{ id: 2, v: 'direct' }]);
  });

  it('two connections of one process on one file take turns instead of waiting on each other', async () => {
    const first = await scratch();
    const second = new Kysely<Scratch>({
      dialect: createSqliteDialect(openSqliteDatabase({ dbPath: first.path, busyTimeoutMs: 200 })),
    });
    open.push(second);
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, n) => insert(n % 2 === 0 ? first.db : second, n)),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await first.db.selectFrom('t').select('id').execute()).length).toBe(20);
  });
});

const sizeOf = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/** The WAL header's checkpoint sequence number: SQLite adds one each time the WAL starts over. */
function walRestarts(wal: string): number {
  try {
    const header = Buffer.alloc(16);
    const fd = openSync(wal, 'r');
    try {
      readSync(fd, header, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
    return header.readUInt32BE(12);
  } catch {
    return 0;
  }
}

async function until(condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SQLite WAL checkpoints', () => {
  const page = 'p'.repeat(2000);

  it('are taken by a worker thread: none inside COMMIT, yet the pages reach the database file', async () => {
    const { db, path, database, writer } = await scratch({ checkpoints: { intervalMs: 20 } });
    expect(writer.checkpointsInWorker).toBe(true);
    expect(database.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = sizeOf(path);
    await Promise.all(Array.from({ length: 600 }, (_, n) => insert(db, n, page)));
    // About 1.2 MB went to the WAL; the worker copies it into the file.
    await until(() => sizeOf(path) - before > 1_000_000);
    expect(
      await db.selectFrom('t').select(sql<number>`count(*)`.as('n')).executeTakeFirst(),
    ).toEqual({
      n: 600,
    });
  });

  it('restart the WAL under continuous writes, holding writes back meanwhile and losing none', async () => {
    const { db, path } = await scratch({ checkpoints: { intervalMs: 5, restartFrames: 64 } });
    await insert(db, 0, page);
    const restartsBefore = walRestarts(`${path}-wal`);
    let id = 1;
    let largestWal = 0;
    // Writes without a pause: the WAL is never copied to its end between two
    // commits, so only a restart keeps it from growing with every write. Long
    // enough that the WAL's size before the first restart (which depends on
    // how soon the worker runs) stays well under the total written.
    while (id < 20000) {
      await Promise.all(Array.from({ length: 20 }, () => insert(db, id++, page)));
      largestWal = Math.max(largestWal, sizeOf(`${path}-wal`));
    }
    const written = id * page.length;
    expect(walRestarts(`${path}-wal`)).toBeGreaterThan(restartsBefore);
    expect(largestWal).toBeLessThan(written * 0.75);
    const rows = await db.selectFrom('t').select(sql<number>`count(*)`.as('n')).executeTakeFirst();
    expect(rows).toEqual({ n: id });
  });

  it('stay with SQLite, inside COMMIT, when asked', async () => {
    const { writer, database } = await scratch({ checkpoints: false });
    expect(writer.checkpointsInWorker).toBe(false);
    expect(database.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('give held writes back when the worker cannot open the database, and say so once', async () => {
    const failures: Error[] = [];
    const checkpointer = new WalCheckpointer(
      { file: '/nonexistent/devops-agent/store.db', busyTimeoutMs: 50, intervalMs: 10 },
      (error) => failures.push(error),
    );
    await until(() => failures.length > 0);
    expect(failures).toHaveLength(1);
    expect(checkpointer.wantsRestart).toBe(false);
    // Writes held for a restart go on at once when the worker is gone.
    await expect(checkpointer.restart()).resolves.toBeUndefined();
    await checkpointer.close();
    expect(failures).toHaveLength(1);
  });

  it('stop with the connection', async () => {
    const { db, writer, database } = await scratch({ checkpoints: { intervalMs: 20 } });
    await insert(db, 1);
    open.splice(open.indexOf(db), 1);
    await db.destroy();
    expect(writer.checkpointsInWorker).toBe(false);
    expect(database.open).toBe(false);
  });
});
