import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGS, readJson } from '../test/harness.js';
import { type SpawnedServer, spawnServer } from '../test/spawn-server.js';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'devops-agent-int-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the built API as a real listening server', () => {
  let server: SpawnedServer;

  beforeAll(async () => {
    server = await spawnServer(ENTRY, {
      PORT: '0',
      DB_PATH: join(dir, 'int.db'),
      LOG_FORMAT: 'json',
    });
  });

  it('logs one JSON line with its URL when it listens', () => {
    const line = server.lines.find((l) => l.includes('listening on'));
    expect(() => JSON.parse(line ?? '')).not.toThrow();
  });

  it('says at start-up which store it opened: the file, SQLite and driver versions', () => {
    const line = server.lines.find((l) => l.includes('knowledge store:'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      level: 'info',
      store: 'sqlite',
      msg: expect.stringMatching(
        /^knowledge store: SQLite \S+int\.db \(SQLite 3\.\d+\.\d+, better-sqlite3 \d+\.\d+\.\d+\)$/,
      ),
    });
  });

  it('serves health and a process_log round trip over HTTP', async () => {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    const res = await fetch(`${server.url}/api/process_log`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ log: LOGS.dnsTimeouts }),
    });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.category).toBe('dns_failure');
    const stored = await fetch(`${server.url}/api/incidents/${body.incident_id}`);
    expect(stored.status).toBe(200);
  });

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    const inFlight = fetch(`${server.url}/api/process_log`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ log: LOGS.oomCrashLoop.repeat(200) }),
    });
    await new Promise((r) => setTimeout(r, 5));
    const code = await server.stop('SIGTERM');
    expect((await inFlight).status).toBe(200);
    expect(code).toBe(0);
  });
});

describe('start-up failures', () => {
  it('exits non-zero naming the variable when configuration is invalid', async () => {
    const failure = await spawnServer(ENTRY, {
      PORT: '0',
      MAX_LOG_BYTES: '10abc',
      DB_PATH: join(dir, 'x.db'),
    }).catch((error: { code: number; lines: string[] }) => error);
    expect('code' in failure && failure.code).toBe(1);
    expect((failure as { lines: string[] }).lines.join('\n')).toMatch(/MAX_LOG_BYTES/);
  });

  // procfs answers ENOENT to mkdir under /proc, where Node's own recursive
  // mkdir retries forever: the server froze at start-up with nothing logged.
  it.skipIf(!existsSync('/proc/self'))(
    'exits non-zero naming DB_PATH when its directory cannot be made (one under /proc)',
    async () => {
      const failure = await spawnServer(ENTRY, {
        PORT: '0',
        DB_PATH: '/proc/devops-agent-missing/agent.db',
      }).catch((error: { code: number; lines: string[] }) => error);
      expect('code' in failure && failure.code).toBe(1);
      expect((failure as { lines: string[] }).lines.join('\n')).toMatch(
        /failed to start: knowledge store: cannot open the SQLite file \/proc\/devops-agent-missing\/agent\.db: ENOENT/,
      );
    },
  );

  it("exits non-zero with PostgreSQL's address and what connecting to it said", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const failure = await spawnServer(ENTRY, {
      PORT: '0',
      DATABASE_URL: `postgres://agent:not-this-password@127.0.0.1:${port}/incidents`,
    }).catch((error: { code: number; lines: string[] }) => error);
    expect('code' in failure && failure.code).toBe(1);
    const output = (failure as { lines: string[] }).lines.join('\n');
    expect(output).toContain(
      `failed to start: knowledge store: migrate PostgreSQL 127.0.0.1:${port}/incidents: store unavailable (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(output).not.toContain('not-this-password');
  });

  it('exits non-zero with a clear message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const failure = await spawnServer(ENTRY, {
      PORT: String(port),
      DB_PATH: join(dir, 'y.db'),
    }).catch((error: { code: number; lines: string[] }) => error);
    blocker.close();
    expect('code' in failure && failure.code).toBe(1);
    expect((failure as { lines: string[] }).lines.join('\n')).toMatch(/already in use/);
  });
});
