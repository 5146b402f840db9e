import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { AgentError, StoreUnavailableError } from '@agent/core';
import { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  createKnowledgeStore,
  type KnowledgeStoreOptions,
  runMigrations,
} from './create-knowledge-store.js';
import { createPostgresDialect, createPostgresPool } from './postgres-dialect.js';
import {
  describeKnowledgeStoreConformance,
  describeSqlStoreLifecycle,
  makeIncident,
} from './store-conformance.js';

const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) {
  console.warn('SKIP: PostgreSQL store suite — TEST_DATABASE_URL is not set');
}

// Each run works in schemas of its own (test_<run>_<n>), so runs on one
// database never see each other; they are dropped when the file is done.
const runId = randomBytes(4).toString('hex');
const schemas: string[] = [];
let admin: pg.Pool | undefined;

async function freshSchemaUrl(settings: Record<string, string> = {}): Promise<string> {
  if (!baseUrl) throw new Error('TEST_DATABASE_URL is not set');
  admin ??= new pg.Pool({ connectionString: baseUrl, max: 2 });
  const schema = `test_${runId}_${schemas.length}`;
  schemas.push(schema);
  await admin.query(`create schema "${schema}"`);
  return schemaUrl(schema, settings);
}

/** The server-side settings travel in the libpq `options` parameter, which pg passes on. */
function schemaUrl(schema: string, settings: Record<string, string> = {}): string {
  const url = new URL(baseUrl as string);
  const options = Object.entries({ search_path: schema, ...settings })
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  url.searchParams.set('options', options);
  url.searchParams.set('application_name', `knowledge-test-${runId}`);
  return url.toString();
}

afterAll(async () => {
  if (admin === undefined) return;
  for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`);
  await admin.end();
});

const options = async (): Promise<KnowledgeStoreOptions> => ({
  databaseUrl: await freshSchemaUrl(),
  connectionTimeoutMs: 5000,
});

describeKnowledgeStoreConformance({
  name: 'PostgreSQL',
  skip: !baseUrl,
  async open() {
    const opts = await options();
    return {
      store: await createKnowledgeStore(opts),
      openPeer: () => createKnowledgeStore(opts),
    };
  },
});

describeSqlStoreLifecycle({
  name: 'PostgreSQL',
  dialect: 'postgres',
  skip: !baseUrl,
  freshOptions: options,
});

describe.skipIf(!baseUrl)('PostgreSQL store specifics', () => {
  it('introspects only its own schema, so schemas other programs drop cannot fail a migration', async () => {
    const own = await freshSchemaUrl();
    const ownSchema = schemas.at(-1) as string;
    await freshSchemaUrl();
    const otherSchema = schemas.at(-1) as string;
    await (admin as pg.Pool).query(`create table "${otherSchema}".elsewhere (id int)`);
    await (admin as pg.Pool).query(`create table "${ownSchema}".mine (id int)`);
    const db = new Kysely<unknown>({
      dialect: createPostgresDialect(createPostgresPool({ databaseUrl: own })),
    });
    try {
      const tables = await db.introspection.getTables();
      expect(tables.map((t) => [t.schema, t.name])).toEqual([[ownSchema, 'mine']]);
      expect(await db.introspection.getSchemas()).toEqual([{ name: ownSchema }]);
    } finally {
      await db.destroy();
    }
  });

  it('describes itself by host, port and database, never by its user or password', async () => {
    const url = new URL(await freshSchemaUrl());
    url.username = 'postgres';
    url.password = 'not-a-secret-but-never-logged';
    const store = await createKnowledgeStore({ databaseUrl: url.toString() });
    try {
      expect(store.description).toBe(
        `PostgreSQL ${url.hostname}:${url.port || '5432'}${url.pathname}`,
      );
      expect(store.description).not.toContain('not-a-secret');
    } finally {
      await store.close();
    }
  });

  it('keeps its tables in the schema of its search_path', async () => {
    const url = await freshSchemaUrl();
    const store = await createKnowledgeStore({ databaseUrl: url });
    await store.close();
    const schema = schemas.at(-1);
    const { rows } = await (admin as pg.Pool).query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1 order by 1',
      [schema],
    );
    expect(rows.map((r) => r.table_name)).toEqual([
      'actions',
      'audit_log',
      'incidents',
      'kysely_migration',
      'kysely_migration_lock',
      'learned_patterns',
      'llm_cache',
      'miner_state',
      'plugin_votes',
    ]);
  });

  it('reports a read-only server (a standby after failover) as unavailable in ping and writes', async () => {
    const url = await freshSchemaUrl();
    (await createKnowledgeStore({ databaseUrl: url })).close();
    const schema = schemas.at(-1) as string;
    const store = await createKnowledgeStore({
      databaseUrl: schemaUrl(schema, { default_transaction_read_only: 'on' }),
    });
    try {
      await expect(store.getIncident('x', null)).resolves.toBeNull();
      await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
      await expect(
        store.saveIncident(makeIncident({ incidentId: 'x', tenant: 'acme' })),
      ).rejects.toThrow(/25006/);
    } finally {
      await store.close();
    }
  });

  it('reports a write that failed for want of space (53100) in ping, though reads and ping writes pass', async () => {
    const url = await freshSchemaUrl();
    const schema = schemas.at(-1) as string;
    const store = await createKnowledgeStore({ databaseUrl: url });
    try {
      // What PostgreSQL raises when a table cannot grow on a full disk.
      await admin?.query(`
        create function "${schema}".no_space() returns trigger language plpgsql as $$
        begin
          raise exception 'could not extend file "base/16384/16385": No space left on device'
            using errcode = '53100';
        end $$;
        create trigger no_space before insert on "${schema}".incidents
          for each row execute function "${schema}".no_space();`);
      await expect(store.ping()).resolves.toBeUndefined();
      await expect(
        store.saveIncident(makeIncident({ incidentId: 'x', tenant: 'acme' })),
      ).rejects.toThrow(/store unavailable \(53100\)/);
      await expect(store.getIncident('x', null)).resolves.toBeNull();
      await expect(store.ping()).rejects.toThrow(
        /^knowledge store: out of space: saveIncident failed \d+\.\d s ago \(53100\)$/,
      );
    } finally {
      await store.close();
    }
  });

  it('answers unavailable, not never, when a lock held elsewhere outlasts statementTimeoutMs', async () => {
    const url = await freshSchemaUrl();
    const schema = schemas.at(-1) as string;
    const store = await createKnowledgeStore({ databaseUrl: url, statementTimeoutMs: 1000 });
    // A session that locked the table and went quiet (a forgotten psql).
    const holder = await (admin as pg.Pool).connect();
    try {
      await holder.query('begin');
      await holder.query(`lock table "${schema}".incidents in access exclusive mode`);
      const failure = await store
        .saveIncident(makeIncident({ incidentId: 'x', tenant: 'acme' }))
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StoreUnavailableError);
      expect((failure as Error).message).toContain('(57014)');
      await holder.query('rollback');
      await store.saveIncident(makeIncident({ incidentId: 'x', tenant: 'acme' }));
      // Migrations are not limited: a store opening while another replica
      // migrates (holding the migration lock for longer) waits for it.
      await holder.query('select pg_advisory_lock(7316023950012025001)');
      const release = setTimeout(
        () => void holder.query('select pg_advisory_unlock(7316023950012025001)'),
        2500,
      );
      try {
        await (await createKnowledgeStore({ databaseUrl: url, statementTimeoutMs: 1000 })).close();
      } finally {
        clearTimeout(release);
      }
    } finally {
      await holder.query('rollback').catch(() => undefined);
      holder.release();
      await store.close();
    }
  });

  it('refuses to run against a database migrated by a newer build', async () => {
    const url = await freshSchemaUrl();
    await runMigrations({ databaseUrl: url });
    await (admin as pg.Pool).query(
      `insert into "${schemas.at(-1)}".kysely_migration (name, timestamp) values ($1, $2)`,
      ['2099_01_01_001_from_the_future', new Date().toISOString()],
    );
    const failure = await createKnowledgeStore({ databaseUrl: url }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AgentError);
    expect(failure).not.toBeInstanceOf(StoreUnavailableError);
    expect((failure as AgentError).code).toBe('internal_error');
  });

  it('recovers by itself when the server drops its connections', async () => {
    const warn = vi.fn();
    const store = await createKnowledgeStore({
      databaseUrl: await freshSchemaUrl(),
      logger: { warn },
    });
    try {
      await store.ping();
      await (admin as pg.Pool).query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where application_name = $1 and pid <> pg_backend_pid()`,
        [`knowledge-test-${runId}`],
      );
      // The pool notices the dropped idle connection and says so, instead of
      // the process dying on an unhandled 'error' event.
      await vi.waitFor(() => expect(warn).toHaveBeenCalled());
      let failures = 0;
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await store.ping();
          break;
        } catch (error) {
          expect(error).toBeInstanceOf(StoreUnavailableError);
          failures += 1;
        }
      }
      expect(failures).toBeLessThan(3);
      await store.saveIncident(makeIncident({ incidentId: 'after', tenant: 'acme' }));
    } finally {
      await store.close();
    }
  });
});

// These need no PostgreSQL server, so they always run.
describe('PostgreSQL store when the server cannot be reached', () => {
  it('rejects quickly with StoreUnavailableError when nothing listens (127.0.0.1:1)', async () => {
    const started = Date.now();
    const failure = await createKnowledgeStore({
      databaseUrl: 'postgres://postgres:secret-password@127.0.0.1:1/test',
      connectionTimeoutMs: 2000,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).not.toContain('secret-password');
    expect((failure as Error).message).toContain('migrate PostgreSQL 127.0.0.1:1/test:');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('names a Unix socket directory given as ?host= where it could not connect', async () => {
    const failure = await createKnowledgeStore({
      databaseUrl: 'postgres:///incidents?host=/nonexistent/pg-socket-dir&user=agent',
      connectionTimeoutMs: 2000,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toMatch(
      /^knowledge store: migrate PostgreSQL \/nonexistent\/pg-socket-dir:5432\/incidents: store unavailable/,
    );
  });

  it('gives up after connectionTimeoutMs when the server accepts but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const started = Date.now();
      await expect(
        createKnowledgeStore({
          databaseUrl: `postgres://postgres@127.0.0.1:${port}/test`,
          connectionTimeoutMs: 300,
        }),
      ).rejects.toThrow(StoreUnavailableError);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses a URL that is not PostgreSQL', async () => {
    await expect(createKnowledgeStore({ databaseUrl: 'mysql://x@y/z' })).rejects.toThrow(
      /postgres/,
    );
  });
});
