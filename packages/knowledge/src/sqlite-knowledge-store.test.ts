import { execFileSync } from 'node:child_process';
import { existsSync, statSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentError, StoreUnavailableError } from '@agent/core';
import { Kysely, Migrator } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createKnowledgeStore, runMigrations } from './create-knowledge-store.js';
import { inMemoryMigrationProvider } from './migrations/migration-provider.js';
import type { KnowledgeDatabase } from './schema.js';
import { SqlKnowledgeStore } from './sql-knowledge-store.js';
import { createSqliteDialect, makeDirectories, openSqliteDatabase } from './sqlite-dialect.js';
import { SqliteDatabase as Database } from './sqlite-driver.js';
import {
  describeKnowledgeStoreConformance,
  describeSqlStoreLifecycle,
  makeIncident,
} from './store-conformance.js';

const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'knowledge-sqlite-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeKnowledgeStoreConformance({
  name: 'SQLite (temp file)',
  async open() {
    const dbPath = join(await tempDir(), 'agent.db');
    return {
      store: await createKnowledgeStore({ dbPath }),
      openPeer: () => createKnowledgeStore({ dbPath }),
    };
  },
});

describeSqlStoreLifecycle({
  name: 'SQLite (temp file)',
  dialect: 'sqlite',
  freshOptions: async () => ({ dbPath: join(await tempDir(), 'nested', 'dirs', 'agent.db') }),
});

describe('SQLite store specifics', () => {
  it('answers recall from the recall index alone, never reading result_json pages', async () => {
    const dbPath = join(await tempDir(), 'agent.db');
    await (await createKnowledgeStore({ dbPath })).close();
    const database = new Database(dbPath, { readonly: true });
    try {
      // The statement findSimilar sends (columns, filter and order).
      const plan = database
        .prepare(
          `explain query plan select "incident_id", "category", "corrected_category", "received_at",
             "last_seen_at", "resolved", "resolution" from "incidents"
           where "tenant" = ? and "signature" = ? order by "received_at" desc limit ?`,
        )
        .all('acme', 'sig', 6) as Array<{ detail: string }>;
      expect(plan.map((row) => row.detail)).toEqual([
        'SEARCH incidents USING COVERING INDEX incidents_recall_idx (tenant=? AND signature=?)',
      ]);
    } finally {
      database.close();
    }
  });

  it('describes itself by its file, SQLite version and driver', async () => {
    const dir = await realpath(await tempDir());
    const store = await createKnowledgeStore({ dbPath: join(dir, 'agent.db') });
    try {
      const prefix = `SQLite ${join(dir, 'agent.db')} `;
      expect(store.description.slice(0, prefix.length)).toBe(prefix);
      expect(store.description.slice(prefix.length)).toMatch(
        /^\(SQLite 3\.\d+\.\d+, better-sqlite3 \d+\.\d+\.\d+\)$/,
      );
    } finally {
      await store.close();
    }
  });

  it('opens every connection with WAL, synchronous=NORMAL, busy_timeout and foreign keys', async () => {
    const database = openSqliteDatabase({ dbPath: join(await tempDir(), 'agent.db') });
    try {
      expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(database.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(database.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      database.close();
    }
  });

  it('rejects with StoreUnavailableError when the directory cannot be created', async () => {
    // Tests run as root, where permission bits do not stop anything; a path
    // that runs through a regular file cannot be created by anyone (ENOTDIR).
    const blocker = join(await tempDir(), 'a-file');
    await writeFile(blocker, 'not a directory');
    await expect(createKnowledgeStore({ dbPath: join(blocker, 'agent.db') })).rejects.toThrow(
      StoreUnavailableError,
    );
    await expect(runMigrations({ dbPath: join(blocker, 'sub', 'agent.db') })).rejects.toThrow(
      StoreUnavailableError,
    );
  });

  it("refuses another application's SQLite file and leaves it as it was", async () => {
    const dbPath = join(await tempDir(), 'grafana.db');
    const other = new Database(dbPath);
    other.exec(
      "create table users (id integer primary key, login text); insert into users (login) values ('admin')",
    );
    other.close();

    const failure = await createKnowledgeStore({ dbPath }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toBe(
      `knowledge store: cannot open the SQLite file ${dbPath}: it holds another application's tables (users); the knowledge store would add its own beside them and switch the file to WAL mode: point DB_PATH (the CLI's --db) at a new file, or at one this agent created`,
    );
    await expect(runMigrations({ dbPath })).rejects.toThrow(/another application's tables/);

    const after = new Database(dbPath, { readonly: true });
    try {
      expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(
        after.prepare("select name from sqlite_master where type = 'table'").pluck().all(),
      ).toEqual(['users']);
    } finally {
      after.close();
    }
    // A file of its own, and a new one, open as before.
    await (await createKnowledgeStore({ dbPath: join(await tempDir(), 'agent.db') })).close();
  });

  it('names the file and the reason when it cannot open it', async () => {
    const blocker = join(await tempDir(), 'a-file');
    await writeFile(blocker, 'not a directory');
    const dbPath = join(blocker, 'sub', 'agent.db');
    await expect(createKnowledgeStore({ dbPath })).rejects.toThrow(
      `knowledge store: cannot open the SQLite file ${dbPath}: ENOTDIR: not a directory, mkdir '${join(blocker, 'sub')}'`,
    );
  });

  it('reads but refuses writes with StoreUnavailableError when the file is read-only', async () => {
    // chmod does not stop root, so the file is opened through a read-only
    // connection (SQLITE_OPEN_READONLY): SQLite then answers every write with
    // SQLITE_READONLY, as it would for a read-only file or mount.
    const dbPath = join(await tempDir(), 'agent.db');
    const writable = await createKnowledgeStore({ dbPath });
    await writable.saveIncident(makeIncident({ incidentId: 'kept', tenant: 'acme' }));
    await writable.close();

    const readonly = await createKnowledgeStore({ dbPath, readonly: true });
    try {
      expect((await readonly.getIncident('kept', 'acme'))?.incidentId).toBe('kept');
      await expect(
        readonly.saveIncident(makeIncident({ incidentId: 'new', tenant: 'acme' })),
      ).rejects.toThrow(StoreUnavailableError);
      await expect(
        readonly.recordVote({ plugin: 'p', category: null, direction: 'up', tenant: 'acme' }),
      ).rejects.toThrow(StoreUnavailableError);
      await expect(readonly.saveMinerState({ version: 1, data: {} })).rejects.toThrow(
        StoreUnavailableError,
      );
      // Readiness must notice too, although SELECT 1 would succeed.
      await expect(readonly.ping()).rejects.toThrow(StoreUnavailableError);
    } finally {
      await readonly.close();
    }
  });

  it('cannot migrate a read-only file that is not migrated yet', async () => {
    const dbPath = join(await tempDir(), 'empty.db');
    new Database(dbPath).close();
    await expect(createKnowledgeStore({ dbPath, readonly: true })).rejects.toThrow(
      StoreUnavailableError,
    );
  });

  it('reports a full disk (SQLITE_FULL) as unavailable, to ping too, and recovers when space returns', async () => {
    // max_page_count caps this connection's file at its current size, which
    // makes SQLite fail exactly as on a full disk, without filling one.
    const dbPath = join(await tempDir(), 'agent.db');
    (await createKnowledgeStore({ dbPath })).close();
    const database = openSqliteDatabase({ dbPath });
    // Long enough that the second ping below surely comes within it on a busy machine.
    const reportMs = 1500;
    const store = new SqlKnowledgeStore(
      new Kysely<KnowledgeDatabase>({ dialect: createSqliteDialect(database) }),
      'sqlite',
      { outOfSpaceReportMs: reportMs },
    );
    try {
      const pages = database.pragma('page_count', { simple: true }) as number;
      database.pragma(`max_page_count = ${pages}`);
      const big = makeIncident({ incidentId: 'big', tenant: 'acme' });
      big.result.summary = 'x'.repeat(256 * 1024);
      const failure = await store.saveIncident(big).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StoreUnavailableError);
      expect((failure as Error).message).toContain('SQLITE_FULL');
      expect((failure as Error).message).not.toContain('xxx');
      // The disk is full for writes that need space only: ping's own write
      // passes, so ping reports the failed write instead, for a while.
      await expect(store.ping()).rejects.toThrow(
        /^knowledge store: out of space: saveIncident failed \d+\.\d s ago \(SQLITE_FULL\)$/,
      );

      database.pragma('max_page_count = 1073741823');
      await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
      await new Promise((resolve) => setTimeout(resolve, reportMs + 50));
      await expect(store.ping()).resolves.toBeUndefined();
      await store.saveIncident(big);
      expect((await store.getIncident('big', 'acme'))?.result.summary).toHaveLength(256 * 1024);
    } finally {
      await store.close();
    }
  });

  // SQLite in WAL mode goes on writing to a file that was unlinked, so
  // incidents acknowledged after `rm` (or a restore over the file) were lost
  // at the next start.
  it('refuses writes as unavailable once its file is deleted or replaced; reads still answer', async () => {
    for (const how of ['deleted', 'replaced'] as const) {
      const dir = await tempDir();
      const dbPath = join(dir, 'agent.db');
      const store = await createKnowledgeStore({ dbPath });
      try {
        await store.saveIncident(makeIncident({ incidentId: 'before', tenant: 'acme' }));
        if (how === 'deleted') {
          await rm(dbPath);
        } else {
          await writeFile(join(dir, 'restored.db'), '');
          await rename(join(dir, 'restored.db'), dbPath);
        }
        const failure = await store
          .saveIncident(makeIncident({ incidentId: 'after', tenant: 'acme' }))
          .catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(StoreUnavailableError);
        expect((failure as Error).message).toContain('SQLITE_READONLY_DBMOVED');
        expect(((failure as Error).cause as Error).message).toContain(
          `the SQLite file ${await realpath(dir)}/agent.db was ${how} after this process opened it`,
        );
        await expect(store.ping()).rejects.toThrow(/SQLITE_READONLY_DBMOVED/);
        await expect(store.getIncident('before', 'acme')).resolves.not.toBeNull();
        await expect(store.getIncident('after', 'acme')).resolves.toBeNull();
      } finally {
        await store.close().catch(() => undefined);
      }
    }
  });

  it('reports a write lock held past busy_timeout (SQLITE_BUSY) as unavailable, then recovers', async () => {
    const dbPath = join(await tempDir(), 'agent.db');
    const store = await createKnowledgeStore({ dbPath, busyTimeoutMs: 100 });
    const other = new Database(dbPath);
    try {
      other.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      await expect(
        store.saveIncident(makeIncident({ incidentId: 'blocked', tenant: 'acme' })),
      ).rejects.toThrow(StoreUnavailableError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      await expect(store.ping()).rejects.toThrow(StoreUnavailableError);

      other.exec('COMMIT');
      await store.saveIncident(makeIncident({ incidentId: 'blocked', tenant: 'acme' }));
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      other.close();
      await store.close();
    }
  });

  it('refuses to run against a database migrated by a newer build', async () => {
    const dbPath = join(await tempDir(), 'agent.db');
    await runMigrations({ dbPath });
    const database = new Database(dbPath);
    database
      .prepare('insert into kysely_migration (name, timestamp) values (?, ?)')
      .run('2099_01_01_001_from_the_future', new Date().toISOString());
    database.close();
    const failure = await createKnowledgeStore({ dbPath }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AgentError);
    expect(failure).not.toBeInstanceOf(StoreUnavailableError);
    expect((failure as AgentError).code).toBe('internal_error');
  });

  it('keeps actions with their incident and patterns past it (foreign keys are enforced)', async () => {
    const dbPath = join(await tempDir(), 'agent.db');
    await runMigrations({ dbPath });
    const database = openSqliteDatabase({ dbPath });
    try {
      const insertAction = database.prepare(
        `insert into actions (action_id, incident_id, tenant, plugin, operation, params_json, risk,
           decision, reasons_json, status, created_at, updated_at)
         values (?, ?, 'acme', 'k8s', 'restart', '{}', 'low', 'allowed', '[]', 'dry_run', 'now', 'now')`,
      );
      expect(() => insertAction.run('a0', 'missing-incident')).toThrow(/FOREIGN KEY/);
      database
        .prepare(
          `insert into incidents (incident_id, tenant, received_at, category, severity, signature, occurrences, result_json)
           values ('inc', 'acme', 'now', 'oom', 'high', 's', 1, '{}')`,
        )
        .run();
      insertAction.run('a1', 'inc');
      database
        .prepare(
          `insert into learned_patterns (id, tenant, signature, category, source_incident_id, created_at)
           values ('lp', 'acme', 's', 'oom', 'inc', 'now')`,
        )
        .run();
      database.prepare(`delete from incidents where incident_id = 'inc'`).run();
      expect(database.prepare('select count(*) as n from actions').get()).toEqual({ n: 0 });
      expect(database.prepare('select source_incident_id from learned_patterns').get()).toEqual({
        source_incident_id: null,
      });
    } finally {
      database.close();
    }
  });

  it('migration 003 keeps incidents stored before it, seen when they were received', async () => {
    const dbPath = join(await tempDir(), 'agent.db');
    const old = new Kysely<KnowledgeDatabase>({
      dialect: createSqliteDialect(openSqliteDatabase({ dbPath })),
    });
    const migrated = await new Migrator({
      db: old,
      provider: inMemoryMigrationProvider,
    }).migrateTo('2026_11_26_002_learning_and_governance');
    expect(migrated.error).toBeUndefined();
    const incident = makeIncident({ incidentId: 'before-003', tenant: 'acme' });
    await old
      .insertInto('incidents')
      .values({
        incident_id: incident.incidentId,
        tenant: incident.tenant,
        received_at: incident.receivedAt,
        category: incident.category,
        severity: incident.severity,
        signature: incident.signature,
        occurrences: 1,
        result_json: JSON.stringify(incident.result),
      } as never)
      .execute();
    await old.destroy();

    const store = await createKnowledgeStore({ dbPath });
    try {
      expect(await store.getIncident('before-003', 'acme')).toEqual(incident);
      expect(
        await store.recordIncident(makeIncident({ incidentId: 'repeat', tenant: 'acme' }), 60),
      ).toMatchObject({ deduplicated: false });
    } finally {
      await store.close();
    }
  });

  it('writes feedback and its audit entry in one transaction', async () => {
    const dbPath = join(await tempDir(), 'agent.db');
    const store = await createKnowledgeStore({ dbPath });
    await store.saveIncident(makeIncident({ incidentId: 'inc', tenant: 'acme' }));
    await store.recordFeedback({
      incidentId: 'inc',
      tenant: 'acme',
      helpful: true,
      audit: {
        at: '2026-11-26T12:00:00.000Z',
        actor: 'k1',
        tenant: 'acme',
        event: 'incident.feedback',
        subject: 'inc',
        decision: null,
        reasons: ['helpful: true'],
        result: 'recorded',
      },
    });
    // A pattern whose id is taken makes the whole feedback fail: nothing of it stays.
    const pattern = {
      id: 'dup',
      tenant: 'acme',
      signature: 's',
      category: 'oom' as const,
      sourceIncidentId: 'inc',
      createdAt: '2026-11-26T12:00:00.000Z',
    };
    const audit = {
      at: '2026-11-26T12:00:01.000Z',
      actor: 'k1',
      tenant: 'acme',
      event: 'incident.feedback',
      subject: 'inc',
      decision: null,
      reasons: [],
      result: 'learned',
    };
    await store.recordFeedback({ incidentId: 'inc', tenant: 'acme', pattern, audit });
    await expect(
      store.recordFeedback({ incidentId: 'inc', tenant: 'acme', helpful: true, pattern, audit }),
    ).rejects.toThrow(AgentError);
    await store.close();

    const database = new Database(dbPath, { readonly: true });
    try {
      expect(database.prepare('select helpful from incidents').get()).toEqual({ helpful: 1 });
      expect(
        database.prepare('select actor, event, subject, reasons_json, result from audit_log').all(),
      ).toEqual([
        {
          actor: 'k1',
          event: 'incident.feedback',
          subject: 'inc',
          reasons_json: '["helpful: true"]',
          result: 'recorded',
        },
        {
          actor: 'k1',
          event: 'incident.feedback',
          subject: 'inc',
          reasons_json: '[]',
          result: 'learned',
        },
      ]);
    } finally {
      database.close();
    }
  });

  it('reports a file that can no longer be written (immutable) as unavailable, then recovers', async (context) => {
    // chattr +i makes the file unwritable even for root, as a disk or mount
    // gone read-only would: SQLite then fails the write with SQLITE_IOERR.
    const dbPath = join(await tempDir(), 'agent.db');
    const store = await createKnowledgeStore({ dbPath });
    await store.saveIncident(makeIncident({ incidentId: 'before', tenant: 'acme' }));
    const files = [dbPath, `${dbPath}-wal`];
    if (!setImmutable(files, true)) {
      console.warn(
        'SKIP: immutable SQLite file — chattr +i is not available or not permitted here',
      );
      await store.close();
      context.skip();
      return;
    }
    try {
      await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
      await expect(
        store.saveIncident(makeIncident({ incidentId: 'during', tenant: 'acme' })),
      ).rejects.toThrow(StoreUnavailableError);
      // Reads still work.
      expect((await store.getIncident('before', 'acme'))?.incidentId).toBe('before');
    } finally {
      setImmutable(files, false);
    }
    await store.ping();
    await store.saveIncident(makeIncident({ incidentId: 'after', tenant: 'acme' }));
    await store.close();
  });
});

function setImmutable(files: string[], on: boolean): boolean {
  try {
    execFileSync('chattr', [on ? '+i' : '-i', ...files], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('makeDirectories, for the directory of the SQLite file', () => {
  it('makes every missing directory of a path, and leaves existing ones be', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'a'));
    makeDirectories(join(root, 'a', 'b', 'c'));
    expect(statSync(join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
    makeDirectories(join(root, 'a', 'b', 'c'));
    makeDirectories(root);
    expect(statSync(join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
  });

  it('throws what mkdir answers when a directory cannot be made', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'file'), 'x');
    expect(() => makeDirectories(join(root, 'file', 'sub'))).toThrow(/ENOTDIR/);
    symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
    expect(() => makeDirectories(join(root, 'dangling', 'sub'))).toThrow(/ENOENT/);
  });

  // procfs answers ENOENT to mkdir under /proc although /proc exists, and
  // Node's recursive mkdir then retries forever (a regression hangs here).
  it.skipIf(!existsSync('/proc/self'))('throws ENOENT under /proc instead of spinning', () => {
    expect(() => makeDirectories('/proc/devops-agent-missing/sub')).toThrow(/ENOENT/);
  });
});
