#!/usr/bin/env node
// pnpm bench:store: process_log over HTTP against the knowledge store,
// compared in the same run with a bare Hono route parsing the same body.
//
//   pnpm bench:store
//   pnpm bench:store -- --duration 10 --connections 50
//   pnpm bench:store -- --database-url postgres://postgres@127.0.0.1:5432/test
//   pnpm bench:store -- --cpu-prof          (writes a .cpuprofile of the server)
//
// It starts the BUILT API (tooling/bench/store-server.mjs: the app exactly as
// main.ts composes it, plus the bare route /__bench/bare in the same server
// and process) on the default SQLite store in a temporary directory, then
// drives it from this process with autocannon (./load.mjs), `--connections`
// keep-alive requests in flight (default 50), each body a ~2 KB JSON log
// from a pool of 1,000 whose numbers differ, as in real logs. Each measured phase
// runs after a warm-up:
//   bare                  POST /__bench/bare (the baseline)
//   process_log (new)     DEDUP_WINDOW_SEC=0: every request stores a new incident
//   process_log (storm)   the default window (300 s): the same failure again, counted
//                         on the open incident (one UPDATE, no actions)
// and prints req/s, p50 / p90 / p99 latency, and process_log / bare. With
// TEST_DATABASE_URL or --database-url it runs the process_log phases again on
// PostgreSQL (a schema of its own, dropped afterwards).
//
// The server logs at LOG_LEVEL=warn here (no access-log line per request);
// --log-level info measures with the access log.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, drive, serverNodeFlags } from './load.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVER = join(ROOT, 'tooling', 'bench', 'store-server.mjs');

const USAGE = `usage: pnpm bench:store -- [options]
  --duration S        measured seconds per phase (default 10)
  --warmup S          unmeasured seconds before each phase (default 3)
  --connections C     requests in flight (default 50)
  --database-url URL  also run against PostgreSQL (default: TEST_DATABASE_URL when set)
  --no-postgres       SQLite only, even when TEST_DATABASE_URL is set
  --log-level L       server LOG_LEVEL (default warn)
  --cpu-prof          write a CPU profile of each server to the current directory
  --json              print one JSON object instead of the report`;

function parseArgs(argv) {
  const args = {
    duration: 10,
    warmup: 3,
    connections: 50,
    databaseUrl: process.env.TEST_DATABASE_URL || null,
    logLevel: 'warn',
    cpuProf: false,
    json: false,
  };
  const num = (flag, value, min) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) fail(`${flag} must be a number >= ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--') continue;
    else if (a === '--duration') args.duration = num(a, value(), 1);
    else if (a === '--warmup') args.warmup = num(a, value(), 0);
    else if (a === '--connections' || a === '-c') args.connections = Math.trunc(num(a, value(), 1));
    else if (a === '--database-url') args.databaseUrl = value();
    else if (a === '--no-postgres') args.databaseUrl = null;
    else if (a === '--log-level') args.logLevel = value();
    else if (a === '--cpu-prof') args.cpuProf = true;
    else if (a === '--json') args.json = true;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${a}`);
  }
  return args;
}

function fail(message) {
  console.error(`bench:store: ${message}\n${USAGE}`);
  process.exit(2);
}

/** A realistic ~2 KB log: a service losing its database, with numbers that vary per request. */
function makeLog(n) {
  const lines = [];
  const ts = (s) =>
    `2026-11-26T10:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.${String(n % 1000).padStart(3, '0')}Z`;
  for (let i = 0; lines.join('\n').length < 1900; i++) {
    const s = i * 3;
    switch (i % 6) {
      case 0:
        lines.push(
          `${ts(s)} INFO  orders-api GET /api/orders/${1000 + ((n + i) % 9000)} 200 ${12 + (i % 30)}ms req=${(n * 31 + i).toString(16)}`,
        );
        break;
      case 1:
        lines.push(
          `${ts(s)} WARN  orders-api pool orders-db: ${i % 10} idle, ${20 - (i % 10)} busy, waiting=${i % 7}`,
        );
        break;
      case 2:
        lines.push(
          `${ts(s)} ERROR orders-api dial tcp 10.0.${i % 4}.17:5432: connect: connection refused`,
        );
        break;
      case 3:
        lines.push(
          `${ts(s)} ERROR orders-api GET /api/orders/${2000 + i} failed after ${3000 + i * 7}ms: upstream orders-db unavailable`,
        );
        break;
      case 4:
        lines.push(
          `${ts(s)} INFO  orders-api retrying orders-db in ${250 * (1 + (i % 4))}ms attempt=${1 + (i % 5)}`,
        );
        break;
      default:
        lines.push(
          `${ts(s)} DEBUG orders-api cache hit ratio=0.${80 + (i % 19)} keys=${4000 + (n % 500)}`,
        );
    }
  }
  return lines.join('\n');
}

/** Starts store-server.mjs and resolves with its URL once it logs that it listens. */
function startServer(env, { cpuProf, label }) {
  const argv = cpuProf ? ['--cpu-prof', `--cpu-prof-name=bench-store-${label}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...serverNodeFlags(), ...argv, SERVER], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start:\n${lines.join('\n')}`));
    }, 30_000);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        if (lines.length < 200) lines.push(line);
        const url = /listening on (http:\/\/[^\s"]+)/.exec(line)?.[1];
        if (url) {
          clearTimeout(timer);
          resolvePromise({
            url,
            pid: child.pid,
            stop: () =>
              new Promise((done) => {
                child.once('exit', done);
                child.kill('SIGTERM');
              }),
          });
        }
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${lines.join('\n')}`));
    });
  });
}

async function phase(server, path, args, bodies) {
  if (args.warmup > 0)
    await drive(server.url, path, { connections: args.connections, seconds: args.warmup, bodies });
  const cpuBefore = cpuSeconds(server.pid);
  const result = await drive(server.url, path, {
    connections: args.connections,
    seconds: args.duration,
    bodies,
  });
  const cpuAfter = cpuSeconds(server.pid);
  // The server's CPU per answered request: steadier than req/s when the
  // machine is shared, and what "one server core" spends on each request.
  result.cpuMsPerRequest =
    cpuBefore === null || cpuAfter === null || result.requests === 0
      ? null
      : ((cpuAfter - cpuBefore) * 1000) / result.requests;
  return result;
}

const args = parseArgs(process.argv.slice(2));
// 1,000 distinct logs (their numbers differ), sent in turn on every connection.
const bodies = Array.from({ length: 1000 }, (_, n) => JSON.stringify({ log: makeLog(n) }));
const bodyBytes = Buffer.byteLength(bodies[0]);
const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
const baseEnv = {
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: args.logLevel,
  LOG_FORMAT: 'json',
  // The benchmark is one client address: the default limit (100 a minute) would answer 429.
  RATE_LIMIT_REQUESTS: '1000000000',
};
const results = [];
const progress = (message) => {
  if (!args.json) process.stderr.write(`${message}\n`);
};

async function runStore(label, storeEnv) {
  for (const [mode, dedup] of [
    ['new', '0'],
    ['storm', '300'],
  ]) {
    const server = await startServer(
      { ...baseEnv, ...storeEnv(mode), DEDUP_WINDOW_SEC: dedup },
      { cpuProf: args.cpuProf, label: `${label}-${mode}` },
    );
    try {
      if (label === 'sqlite' && mode === 'new') {
        progress('bare Hono route ...');
        results.push({
          name: 'bare Hono route',
          store: null,
          ...(await phase(server, '/__bench/bare', args, bodies)),
        });
      }
      progress(`process_log (${label}, ${mode}) ...`);
      results.push({
        name: `process_log (${mode === 'new' ? 'new incident each request' : 'storm: deduplicated'})`,
        store: label,
        ...(await phase(server, '/api/process_log', args, bodies)),
      });
    } finally {
      await server.stop();
    }
  }
}

let pgCleanup = null;
try {
  await runStore('sqlite', (mode) => ({ DB_PATH: join(dir, `bench-${mode}.db`) }));
  if (args.databaseUrl) {
    // A schema of its own, so the benchmark never writes into the database's public tables.
    const pg = createRequire(join(ROOT, 'packages', 'knowledge', 'package.json'))('pg');
    const admin = new pg.Pool({ connectionString: args.databaseUrl, max: 1 });
    const schema = `bench_store_${randomBytes(4).toString('hex')}`;
    await admin.query(`create schema "${schema}"`);
    pgCleanup = async () => {
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    };
    const url = new URL(args.databaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    await runStore('postgres', () => ({ DATABASE_URL: url.toString() }));
  }
} finally {
  await pgCleanup?.().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}

const bare = results.find((r) => r.store === null);
for (const r of results) r.ratio = r.store === null ? 1 : r.rps / bare.rps;
if (args.json) {
  console.log(
    JSON.stringify(
      { connections: args.connections, duration_s: args.duration, body_bytes: bodyBytes, results },
      null,
      2,
    ),
  );
} else {
  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  console.log(
    `\nbench:store  ${args.connections} connections, ${args.duration} s per phase after ${args.warmup} s warm-up, body ${bodyBytes} bytes, server LOG_LEVEL=${args.logLevel}\n`,
  );
  console.log(
    '| phase | store | req/s | x bare | server CPU ms/req | p50 ms | p90 ms | p99 ms | non-200 |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const bad = r.requests - r.ok + r.errors;
    console.log(
      `| ${r.name} | ${r.store ?? '-'} | ${f(r.rps, 0)} | ${f(r.ratio, 2)} | ${f(r.cpuMsPerRequest ?? Number.NaN, 3)} | ${f(r.p50, 2)} | ${f(r.p90, 2)} | ${f(r.p99, 2)} | ${bad} |`,
    );
  }
  const main = results.find((r) => r.store === 'sqlite' && r.name.includes('new'));
  console.log(
    `\ntargets (SQLite, new incidents): throughput >= 0.5x bare: ${main.ratio >= 0.5 ? 'met' : 'MISSED'} (${f(main.ratio, 2)}x); p99 < 10 ms: ${main.p99 < 10 ? 'met' : 'MISSED'} (${f(main.p99, 2)} ms)`,
  );
  if (bare.cpuMsPerRequest && main.cpuMsPerRequest) {
    console.log(
      `server CPU per request: bare ${f(bare.cpuMsPerRequest, 3)} ms, process_log ${f(main.cpuMsPerRequest, 3)} ms (bare / process_log ${f(bare.cpuMsPerRequest / main.cpuMsPerRequest, 3)})`,
    );
  }
}
