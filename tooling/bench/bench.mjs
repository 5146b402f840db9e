#!/usr/bin/env node
// End-to-end benchmark of process_log, the original product's `bench`:
// N analyses in-process (createAgent from the built core, in-memory store)
// and over HTTP (a running server with --url, else the built API started on
// a free port), then throughput, p50 / p95 / p99 latency and the category mix.
//
//   pnpm bench -- --n 50 --mode safe
//   pnpm bench -- --n 200 --concurrency 8 --url http://127.0.0.1:5000 --api-key KEY
//   pnpm bench -- --only http --json
//
// The logs are tooling/bench/samples/*.log (written for this benchmark),
// sent round-robin. Progress goes to stderr, and only on a terminal.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serverNodeFlags } from './load.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SAMPLES = join(ROOT, 'tooling', 'bench', 'samples');
const CORE_DIST = join(ROOT, 'packages', 'core', 'dist', 'index.js');
const API_MAIN = join(ROOT, 'apps', 'api', 'dist', 'main.js');

const USAGE = `usage: pnpm bench -- [options]
  --n N              analyses per target (default 50)
  --mode safe|auto   process_log mode (default safe)
  --concurrency C    requests in flight at once (default 4)
  --url URL          benchmark a running API instead of starting the built one
  --api-key KEY      X-API-Key for --url (a started API gets a key of its own)
  --only inprocess|http   run one target only
  --warmup W         unmeasured analyses first, per target (default 5)
  --json             print one JSON object instead of the report`;

function parseArgs(argv) {
  const args = { n: 50, mode: 'safe', concurrency: 4, warmup: 5, url: null, apiKey: null };
  const int = (flag, value, min) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) fail(`${flag} must be a whole number >= ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--')
      continue; // `pnpm bench -- ...` may pass it through
    else if (a === '--n' || a === '-n') args.n = int(a, value(), 1);
    else if (a === '--mode') args.mode = value();
    else if (a === '--concurrency' || a === '-c') args.concurrency = int(a, value(), 1);
    else if (a === '--warmup') args.warmup = int(a, value(), 0);
    else if (a === '--url') args.url = value().replace(/\/+$/, '');
    else if (a === '--api-key') args.apiKey = value();
    else if (a === '--only') args.only = value();
    else if (a === '--json') args.json = true;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument: ${a}\n${USAGE}`);
  }
  if (!['safe', 'auto'].includes(args.mode)) fail('--mode must be safe or auto');
  if (args.only && !['inprocess', 'http'].includes(args.only)) {
    fail('--only must be inprocess or http');
  }
  return args;
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function loadSamples() {
  const files = readdirSync(SAMPLES)
    .filter((f) => f.endsWith('.log'))
    .sort();
  if (files.length === 0) fail(`no *.log samples in ${SAMPLES}`);
  return files.map((name) => ({ name, log: readFileSync(join(SAMPLES, name), 'utf8') }));
}

// ------------------------------------------------------------- measuring

/** Nearest-rank percentile of sorted values. */
function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function progress(label) {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    tick(done, total) {
      if (!tty) return;
      const now = Date.now();
      if (done !== total && now - last < 80) return;
      last = now;
      process.stderr.write(`\r  ${label}: ${done}/${total}`.padEnd(40));
    },
    done() {
      if (tty) process.stderr.write(`\r${' '.repeat(40)}\r`);
    },
  };
}

/**
 * Runs `call(i)` for i in [0, n) with at most `concurrency` at once; each
 * call resolves to a category (or throws). Returns latencies and outcomes.
 */
async function run(label, n, concurrency, call) {
  const latencies = [];
  const categories = new Map();
  const errors = new Map();
  const bar = progress(label);
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const t0 = performance.now();
      try {
        const category = await call(i);
        latencies.push(performance.now() - t0);
        categories.set(category, (categories.get(category) ?? 0) + 1);
      } catch (error) {
        const key = error?.code ?? error?.message ?? String(error);
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
      bar.tick(++done, n);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  const elapsedMs = performance.now() - started;
  bar.done();
  const sorted = latencies.sort((a, b) => a - b);
  const round = (x) => Math.round(x * 100) / 100;
  return {
    target: label,
    n,
    concurrency,
    ok: latencies.length,
    errors: Object.fromEntries([...errors].sort()),
    elapsed_s: round(elapsedMs / 1000),
    throughput_per_s: round((latencies.length / elapsedMs) * 1000),
    latency_ms: {
      mean: round(sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN),
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? Number.NaN),
    },
    categories: Object.fromEntries(
      [...categories].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    ),
  };
}

// ------------------------------------------------------------- targets

async function inProcess(args, samples) {
  if (!existsSync(CORE_DIST)) fail('packages/core/dist is missing: run `pnpm build` first');
  const { createAgent } = await import(pathToFileURL(CORE_DIST).href);
  const agent = createAgent(); // in-memory store, built-in policy, no LLM
  // auto mode needs an authenticated caller; safe mode runs as anyone.
  const principal = { keyId: 'bench', tenant: 'bench', role: 'user' };
  const call = async (i) => {
    const result = await agent.processLog({
      log: samples[i % samples.length].log,
      mode: args.mode,
      principal,
    });
    return result.category;
  };
  for (let i = 0; i < args.warmup; i++) await call(i);
  try {
    return await run('in-process', args.n, args.concurrency, call);
  } finally {
    await agent.close();
  }
}

/** The built API on a free port, with a temporary store and a key of its own. */
async function startApi() {
  if (!existsSync(API_MAIN)) fail('apps/api/dist is missing: run `pnpm build` first');
  const dir = mkdtempSync(join(tmpdir(), 'devops-agent-bench-'));
  const apiKey = `bench-${randomBytes(12).toString('hex')}`;
  const child = spawn(process.execPath, [...serverNodeFlags(), API_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      DB_PATH: join(dir, 'bench.db'),
      API_KEYS: `bench:${apiKey}`,
      // The benchmark measures the analysis, not the limiter.
      RATE_LIMIT_REQUESTS: '100000000',
      // info: the listening line, and an access log line per request as in production.
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`API did not start:\n${lines.join('\n')}`)),
      30_000,
    );
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        if (lines.length < 200) lines.push(line);
        const found = /listening on (http:\/\/[^\s"]+)/.exec(line)?.[1];
        if (found) {
          clearTimeout(timer);
          resolveUrl(found);
        }
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`API exited with ${code}:\n${lines.join('\n')}`));
    });
  });
  return {
    url,
    apiKey,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function overHttp(args, samples) {
  const started = args.url ? null : await startApi();
  const url = args.url ?? started.url;
  const apiKey = args.apiKey ?? started?.apiKey ?? null;
  const bodies = samples.map((s) => JSON.stringify({ log: s.log, mode: args.mode }));
  const headers = {
    'Content-Type': 'application/json',
    ...(apiKey ? { 'X-API-Key': apiKey } : {}),
  };
  const call = async (i) => {
    const res = await fetch(`${url}/api/process_log`, {
      method: 'POST',
      headers,
      body: bodies[i % bodies.length],
    });
    const body = await res.json();
    if (!res.ok)
      throw Object.assign(new Error(body?.error?.message ?? `HTTP ${res.status}`), {
        code: `${res.status} ${body?.error?.code ?? ''}`.trim(),
      });
    return body.category;
  };
  try {
    for (let i = 0; i < args.warmup; i++) await call(i).catch(() => {});
    const result = await run('http', args.n, args.concurrency, call);
    return { ...result, url: args.url ? url : `${url} (started by the benchmark)` };
  } finally {
    await started?.stop();
  }
}

// ------------------------------------------------------------- report

function report(args, samples, results) {
  const lines = [
    `process_log benchmark: n=${args.n} per target, mode=${args.mode}, concurrency=${args.concurrency}, ` +
      `${samples.length} sample logs, node ${process.version}, ${cpus().length} CPUs`,
    '',
    '| target | ok | errors | elapsed s | req/s | mean ms | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
    const l = r.latency_ms;
    lines.push(
      `| ${r.target} | ${r.ok} | ${errors} | ${r.elapsed_s} | ${r.throughput_per_s} | ${l.mean} | ${l.p50} | ${l.p95} | ${l.p99} | ${l.max} |`,
    );
  }
  for (const r of results) {
    lines.push('', `${r.target}${r.url ? ` (${r.url})` : ''}: category mix`);
    for (const [category, count] of Object.entries(r.categories)) {
      lines.push(
        `  ${category.padEnd(22)} ${String(count).padStart(5)}  ${((count / r.ok) * 100).toFixed(1)}%`,
      );
    }
    for (const [code, count] of Object.entries(r.errors)) {
      lines.push(`  error ${code}: ${count}`);
    }
  }
  return lines.join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const samples = loadSamples();
  const results = [];
  if (args.only !== 'http') results.push(await inProcess(args, samples));
  if (args.only !== 'inprocess') results.push(await overHttp(args, samples));
  if (args.json) {
    console.log(
      JSON.stringify(
        {
          n: args.n,
          mode: args.mode,
          concurrency: args.concurrency,
          samples: samples.length,
          results,
        },
        null,
        2,
      ),
    );
  } else {
    console.log(report(args, samples, results));
  }
  const failed = results.some((r) => r.ok === 0);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(`bench: ${error?.stack ?? error}`);
  process.exit(1);
});
