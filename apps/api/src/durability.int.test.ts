import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKnowledgeStore } from '@agent/knowledge';
import { afterAll, describe, expect, it } from 'vitest';
import { LOGS } from '../test/harness.js';
import { spawnServer } from '../test/spawn-server.js';
import { Sqlite } from '../test/store-drivers.js';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'devops-agent-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MIX = [LOGS.dnsTimeouts, LOGS.oomCrashLoop, LOGS.healthy];

describe('an acknowledged incident survives kill -9 of the server', () => {
  it('finds every incident answered 200 after SIGKILL mid-load, in a file that passes integrity_check', async () => {
    const dbPath = join(dir, 'kill9.db');
    const server = await spawnServer(ENTRY, {
      PORT: '0',
      DB_PATH: dbPath,
      LOG_LEVEL: 'info',
      RATE_LIMIT_REQUESTS: '1000000',
      // Every request stores a new incident: the most writes per second.
      DEDUP_WINDOW_SEC: '0',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      server.child.once('exit', (_code, signal) => resolve(signal)),
    );

    const acknowledged: string[] = [];
    let stop = false;
    let n = 0;
    const worker = async () => {
      while (!stop) {
        const log = `${MIX[n % MIX.length]}\nrequest ${n++} at ${Date.now()}`;
        try {
          const res = await fetch(`${server.url}/api/process_log`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ log }),
          });
          if (res.status !== 200) throw new Error(`status ${res.status}`);
          const body = (await res.json()) as { incident_id: string };
          acknowledged.push(body.incident_id);
        } catch {
          // Requests in flight when the process dies fail; they were never acknowledged.
          return;
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    const started = Date.now();
    while (acknowledged.length < 300 && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Mid-load: every worker has a request in flight.
    server.child.kill('SIGKILL');
    stop = true;
    expect(await exited).toBe('SIGKILL');
    await Promise.all(workers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);

    const raw = new Sqlite(dbPath);
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(raw.pragma('foreign_key_check')).toEqual([]);
    } finally {
      raw.close();
    }
    const store = await createKnowledgeStore({ dbPath });
    try {
      const missing: string[] = [];
      for (const id of acknowledged) {
        if ((await store.getIncident(id, null)) === null) missing.push(id);
      }
      expect(missing).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
