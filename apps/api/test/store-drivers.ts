import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// The tests that check what a server left on disk or in PostgreSQL talk to
// the store's own drivers, from the package that depends on them
// (@agent/knowledge), rather than making the API depend on drivers it never
// uses directly.
const fromKnowledge = createRequire(
  fileURLToPath(new URL('../../../packages/knowledge/package.json', import.meta.url)),
);

/** The store's own SQLite driver (the better-sqlite3 build this Node.js loads). */
export { SqliteDatabase as Sqlite } from '@agent/knowledge';

/** The part of pg these tests use. */
interface PgPool {
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  on(event: 'error', listener: (error: Error) => void): void;
  end(): Promise<void>;
}
const pg = fromKnowledge('pg') as {
  Pool: new (options: { connectionString?: string; max?: number }) => PgPool;
};

/** PostgreSQL for the suites that need it; unset: they print SKIP and are skipped. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/**
 * Schemas of their own (`api_<run>_<n>`) on the test database, so runs never
 * see each other; `dropAll` removes them when the file is done.
 */
export function postgresSchemas(label: string) {
  const run = randomBytes(4).toString('hex');
  const created: string[] = [];
  let admin: PgPool | undefined;
  const pool = () => {
    if (!admin) {
      admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
      // An idle connection the server drops must not crash the test process.
      admin.on('error', () => {});
    }
    return admin;
  };
  return {
    /** A database URL whose search_path is a new, empty schema. */
    async fresh(baseUrl = TEST_DATABASE_URL as string): Promise<string> {
      const schema = `api_${label}_${run}_${created.length}`;
      created.push(schema);
      await pool().query(`create schema "${schema}"`);
      const url = new URL(baseUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return url.toString();
    },
    async query<R>(text: string, values: unknown[] = []): Promise<R[]> {
      return (await pool().query<R>(text, values)).rows;
    },
    async dropAll(): Promise<void> {
      if (!admin) return;
      for (const schema of created) await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    },
  };
}
