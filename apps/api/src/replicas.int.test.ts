import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, LOGS } from '../test/harness.js';
import { type SpawnedServer, spawnServer } from '../test/spawn-server.js';
import { postgresSchemas, TEST_DATABASE_URL } from '../test/store-drivers.js';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'devops-agent-replicas-'));
const schemas = postgresSchemas('replicas');
if (!TEST_DATABASE_URL) {
  console.warn('SKIP: two API processes on one PostgreSQL database — TEST_DATABASE_URL is not set');
}
afterAll(async () => {
  await schemas.dropAll();
  rmSync(dir, { recursive: true, force: true });
});

const ENV = { PORT: '0', LOG_LEVEL: 'info', RATE_LIMIT_REQUESTS: '1000000' };

async function call(
  url: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const targets = [
  {
    name: 'PostgreSQL',
    skip: !TEST_DATABASE_URL,
    env: async () => ({ DATABASE_URL: await schemas.fresh() }),
  },
  {
    name: 'SQLite (one file)',
    skip: false,
    env: async () => ({ DB_PATH: join(dir, `${Date.now()}.db`) }),
  },
];

for (const target of targets) {
  describe.skipIf(target.skip)(`two API processes on one ${target.name} store`, () => {
    let a: SpawnedServer;
    let b: SpawnedServer;

    beforeAll(async () => {
      // Both start on a store that was never migrated: they migrate it together.
      const env = { ...ENV, ...(await target.env()) };
      [a, b] = await Promise.all([spawnServer(ENTRY, env), spawnServer(ENTRY, env)]);
    }, 60_000);
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
    });

    const both = (n: number) => (n % 2 === 0 ? a.url : b.url);

    it('both migrated and serve one store', async () => {
      const fromA = await call(a.url, '/api/process_log', { log: LOGS.oomCrashLoop });
      expect(fromA.status).toBe(200);
      const fromB = await call(b.url, `/api/incidents/${fromA.body.incident_id}`);
      expect(fromB.status).toBe(200);
      for (const server of [a, b]) expect((await call(server.url, '/api/ready')).status).toBe(200);
    });

    it('loses no vote under 60 concurrent votes through both', async () => {
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, n) =>
          call(both(n), '/api/vote_plugin', {
            plugin: 'webhook',
            category: 'timeout',
            direction: n % 3 === 0 ? 'down' : 'up',
          }),
        ),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      const totals = results.map((r) => r.body.up + r.body.down).sort((x, y) => x - y);
      expect(totals).toEqual(Array.from({ length: 60 }, (_, n) => n + 1));
      const last = await call(a.url, '/api/vote_plugin', {
        plugin: 'webhook',
        category: 'timeout',
        direction: 'up',
      });
      expect(last.body).toMatchObject({ up: 41, down: 20 });
    });

    it('loses no feedback under 40 concurrent feedbacks through both', async () => {
      const incident = (await call(a.url, '/api/process_log', { log: LOGS.dnsTimeouts })).body;
      const notify = incident.actions.find((x: { plugin: string }) => x.plugin === 'notify');
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, n) =>
          call(both(n), `/api/incidents/${incident.incident_id}/feedback`, {
            helpful: n % 4 !== 0,
            action_id: notify.action_id,
            outcome: n % 5 === 0 ? 'failure' : 'success',
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
      const stored = await call(b.url, `/api/incidents/${incident.incident_id}`);
      expect(stored.body.feedback).toMatchObject({ helpful: 30, unhelpful: 10 });
      const tally = await call(b.url, '/api/vote_plugin', {
        plugin: 'notify',
        category: incident.category,
        direction: 'up',
      });
      expect(tally.body).toMatchObject({ up: 1, down: 0, successes: 32, failures: 8 });
    });

    it('keeps a storm through both replicas one incident', async () => {
      // A failure no earlier test sent, so the storm opens its own incident.
      const log = 'ERROR write /var/lib/storm/segment-0042: No space left on device';
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          call(both(n), '/api/process_log', { log, context: { service: 'storm' } }),
        ),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      const ids = new Set(results.map((r) => r.body.incident_id));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => !r.body.deduplicated)).toHaveLength(1);
      expect(results.map((r) => r.body.occurrences).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, n) => n + 1),
      );
    });
  });
}
