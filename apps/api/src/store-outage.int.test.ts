import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApi, LOGS, postJson, readJson, type TestApi } from '../test/harness.js';
import { postgresSchemas, TEST_DATABASE_URL } from '../test/store-drivers.js';
import { startTcpProxy } from '../test/tcp-proxy.js';

const schemas = postgresSchemas('outage');
if (!TEST_DATABASE_URL) {
  console.warn('SKIP: PostgreSQL outage — TEST_DATABASE_URL is not set');
}
afterAll(() => schemas.dropAll());

async function processLog(api: TestApi) {
  return api.app.request('/api/process_log', postJson({ log: LOGS.dnsTimeouts }));
}

/** While the store is down: 503 store_unavailable for process_log, and /api/ready says so. */
async function expectUnavailable(api: TestApi) {
  const res = await processLog(api);
  expect(res.status).toBe(503);
  expect((await readJson(res)).error.code).toBe('store_unavailable');
  const ready = await api.app.request('/api/ready');
  expect(ready.status).toBe(503);
  const body = await readJson(ready);
  expect(body.status).toBe('unavailable');
  expect(body.checks.store.ok).toBe(false);
}

/** Recovery needs no restart: polls until process_log and /api/ready answer 200. */
async function expectRecovery(api: TestApi) {
  const started = Date.now();
  let status = 0;
  while (Date.now() - started < 15_000) {
    status = (await processLog(api)).status;
    if (status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(status).toBe(200);
  expect((await api.app.request('/api/ready')).status).toBe(200);
}

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL goes away and comes back', () => {
  it('answers 503 store_unavailable while it is down and recovers by itself', async () => {
    const target = new URL(TEST_DATABASE_URL as string);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const url = new URL(await schemas.fresh());
    url.host = `127.0.0.1:${proxy.port}`;
    const api = await createTestApi({ DATABASE_URL: url.toString(), DEDUP_WINDOW_SEC: '0' });
    try {
      expect((await processLog(api)).status).toBe(200);
      await proxy.down();
      await expectUnavailable(api);
      await proxy.up();
      await expectRecovery(api);
    } finally {
      await api.close();
      await proxy.close();
    }
  });
});

describe('the SQLite file can no longer be written', () => {
  it('answers 503 store_unavailable while it cannot and recovers by itself', async (context) => {
    const api = await createTestApi({ DEDUP_WINDOW_SEC: '0' });
    const dbPath = join(api.dir, 'knowledge.db');
    const files = [dbPath, `${dbPath}-wal`];
    try {
      expect((await processLog(api)).status).toBe(200);
      // chattr +i stops even root from writing, as a disk or mount gone read-only would.
      if (!chattr('+i', files)) {
        console.warn('SKIP: unwritable SQLite file — chattr +i is not available or not permitted');
        context.skip();
        return;
      }
      try {
        await expectUnavailable(api);
      } finally {
        chattr('-i', files);
      }
      await expectRecovery(api);
    } finally {
      await api.close();
    }
  });
});

function chattr(flag: string, files: string[]): boolean {
  try {
    execFileSync('chattr', [flag, ...files], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
