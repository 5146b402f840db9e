import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnowledgeStore, runMigrations } from './create-knowledge-store.js';
import { knowledgeMigrations } from './migrations/migration-provider.js';

/**
 * Several processes on one SQLite file, as several CLI runs or servers on one
 * machine would be. Two stores inside one process do not show this: there,
 * migrations of one file are queued in memory. Each child process loads a
 * bundle of the current source, built here with tsup (no stale dist/).
 */
const packageDir = fileURLToPath(new URL('..', import.meta.url));
// Inside the package, so the bundle resolves kysely and better-sqlite3 from
// the package's node_modules like the real dist/ does.
const bundleDir = join(
  packageDir,
  'node_modules',
  '.cache',
  `replicas-${randomBytes(4).toString('hex')}`,
);
let workDir = '';

// Each replica loads, says "ready", and waits for "go" on stdin, so all of
// them migrate and vote at the same moment however slowly they started.
const replicaScript = `
import { once } from 'node:events';
import { createKnowledgeStore, runMigrations } from './index.js';
const [dbPath, mode, votes] = process.argv.slice(2);
// Six processes queue for one write lock, on a machine that may be running
// other suites beside this one: wait for it longer than the 5 s default,
// which is a serving choice, not what this test is about.
const busyTimeoutMs = 30000;
process.stdout.write('ready\\n');
await once(process.stdin, 'data');
const report =
  mode === 'migrate-first' ? await runMigrations({ dbPath, busyTimeoutMs }) : { applied: [] };
const store = await createKnowledgeStore({ dbPath, busyTimeoutMs });
await Promise.all(
  Array.from({ length: Number(votes) }, () =>
    store.recordVote({ plugin: 'restart', category: 'oom', direction: 'up', tenant: 'acme' }),
  ),
);
await store.close();
process.stdout.write(JSON.stringify(report) + '\\n');
process.exit(0);
`;

interface Replica {
  ready: Promise<void>;
  go: () => void;
  /** Resolves with the replica's migration report, rejects if it failed. */
  done: Promise<{ applied: string[] }>;
}

function startReplica(args: string[]): Replica {
  const child = spawn(process.execPath, [join(bundleDir, 'replica.mjs'), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<{ applied: string[] }>((resolve, reject) => {
    child.on('exit', (code) => {
      markReady();
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0) resolve(JSON.parse(last) as { applied: string[] });
      else reject(new Error(`replica exited with ${code}: ${stderr}`));
    });
  });
  return { ready, go: () => child.stdin.end('go\n'), done };
}

beforeAll(async () => {
  await build({
    entry: { index: join(packageDir, 'src', 'index.ts') },
    outDir: bundleDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: false,
    sourcemap: false,
    splitting: false,
    silent: true,
    config: false,
  });
  await writeFile(join(bundleDir, 'replica.mjs'), replicaScript);
  workDir = await mkdtemp(join(tmpdir(), 'knowledge-replicas-'));
}, 60_000);

afterAll(async () => {
  await rm(bundleDir, { recursive: true, force: true });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('SQLite shared by several processes', () => {
  it('migrates once and loses no vote when six processes start on a fresh file together', async () => {
    const dbPath = join(workDir, 'shared', 'agent.db');
    const votesEach = 40;
    const modes = ['migrate-first', 'migrate-first', 'migrate-first', 'open', 'open', 'open'];
    const replicas = modes.map((mode) => startReplica([dbPath, mode, String(votesEach)]));
    await Promise.all(replicas.map((replica) => replica.ready));
    for (const replica of replicas) replica.go();
    const reports = await Promise.all(replicas.map((replica) => replica.done));

    const applied = reports.flatMap((report) => report.applied);
    expect(new Set(applied).size).toBe(applied.length);

    expect(await runMigrations({ dbPath })).toEqual({
      applied: [],
      current: Object.keys(knowledgeMigrations).sort().at(-1),
    });
    const store = await createKnowledgeStore({ dbPath });
    try {
      expect(await store.listVotes('oom')).toEqual([
        {
          plugin: 'restart',
          category: 'oom',
          up: modes.length * votesEach,
          down: 0,
          successes: 0,
          failures: 0,
        },
      ]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
