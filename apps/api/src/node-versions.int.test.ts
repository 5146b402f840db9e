import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGS, readJson } from '../test/harness.js';
import { spawnServer } from '../test/spawn-server.js';

/**
 * The built API on each Node.js line it supports (package.json: >=20.19).
 * CI's own Node is 20; TEST_NODE_BINARIES adds others (paths separated by
 * `:`; `.ci/run` fetches Node.js 22 and 24 from the npm registry). This is
 * where a native dependency that works on one line and not another shows:
 * better-sqlite3 12 aborted the server on Node 24.19+ within its first
 * requests, when V8 collected a prepared statement (see
 * packages/knowledge/src/sqlite-driver.ts), while every test on Node 20
 * passed.
 */
const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const otherNodes = (process.env.TEST_NODE_BINARIES ?? '').split(':').filter((path) => path !== '');
if (otherNodes.length === 0) {
  console.warn(
    'SKIP: the API on other Node.js versions — TEST_NODE_BINARIES is not set (only this Node.js runs it)',
  );
}

const REQUESTS = 300;
const CONCURRENCY = 20;
const logs = [LOGS.oomCrashLoop, LOGS.dnsTimeouts, LOGS.healthy];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'devops-agent-node-versions-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.each([process.execPath, ...otherNodes])('the built API run by %s', (node) => {
  it('answers a burst of process_log calls, then exits 0 on SIGTERM', async () => {
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    const server = await spawnServer(
      ENTRY,
      {
        PORT: '0',
        DB_PATH: join(dir, `${version}.db`),
        RATE_LIMIT_REQUESTS: '1000000',
      },
      node,
    );
    const statuses = new Map<number, number>();
    let sent = 0;
    // Distinct incidents (the pid differs), so each request stores a new one
    // and prepares and drops what a real stream of failures does.
    const worker = async () => {
      while (sent < REQUESTS) {
        const n = sent++;
        const log = `${logs[n % logs.length]}\n2026-11-20T10:04:00Z ERROR worker pid=${n} exited`;
        const status = await fetch(`${server.url}/api/process_log`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ log }),
        }).then(
          (res) => res.arrayBuffer().then(() => res.status),
          () => 0,
        );
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    // Status 0 counts the calls that got no answer: the server had died.
    expect({
      statuses: Object.fromEntries(statuses),
      signal: server.child.signalCode,
      exitCode: server.child.exitCode,
    }).toEqual({ statuses: { 200: REQUESTS }, signal: null, exitCode: null });

    const listed = await fetch(`${server.url}/api/incidents?limit=1`);
    expect(listed.status).toBe(200);
    expect((await readJson(listed)).items).toHaveLength(1);
    expect(await server.stop('SIGTERM')).toBe(0);
  }, 120_000);
});
