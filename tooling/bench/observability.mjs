#!/usr/bin/env node
// The cost of observability on process_log throughput (issue 7's target:
// observed >= 0.85x of quiet, in one run). Two configurations of the built
// API, the same load, alternating rounds in one run:
//
//   observed  LOG_LEVEL=info, metrics, ENABLE_TRACING=true (console exporter:
//             every span a JSON log line, written with the access log to
//             /dev/null as a log shipper's pipe would take it; with
//             --exporter otlp, spans go by OTLP/HTTP to a loopback sink in
//             this process that accepts and discards them, as a collector
//             would take them)
//   quiet     LOG_LEVEL=warn, metrics, tracing off
//
// The load: autocannon (./load.mjs), --connections keep-alive sockets, a fixed
// --requests of POST /api/process_log with one 2 KB log, after a warm-up.
//
//   pnpm bench:observability
//   pnpm bench:observability -- --requests 4000 --connections 50 --rounds 3 --json
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpuSeconds, drive, serverNodeFlags } from './load.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const API_MAIN = join(ROOT, 'apps', 'api', 'dist', 'main.js');
const API_KEY = 'bench-observability-key-2f9c4e1a7b';
const TARGET = 0.85;

const USAGE = `usage: pnpm bench:observability -- [options]
  --requests N      measured requests per configuration and round (default 2000)
  --connections C   keep-alive connections (default 50)
  --rounds R        rounds, each running both (order alternates) (default 4)
  --warmup W        unmeasured requests per server start (default 1000)
  --exporter E      console (spans as log lines, the default) or otlp (OTLP/HTTP to a loopback sink)
  --observed O      what the observed server turns on, to split the cost (default full):
                      full     logs at info and tracing on (the issue's configuration)
                      logs     logs at info, tracing off
                      spans    logs at warn, tracing on (spans made and batched; console lines not written)
                      context  logs at warn, tracing off, an AsyncLocalStorage enabled: the
                               async-context tracking tracing needs, on its own
  --node PATH       the Node.js binary the servers run on (default: the one running this)
  --sampler S[:A]   the observed server's OTEL_TRACES_SAMPLER (and OTEL_TRACES_SAMPLER_ARG),
                    e.g. parentbased_traceidratio:0.1 or always_off (default: the SDK's, every span)
  --json            print one JSON object instead of the report`;

function fail(message) {
  console.error(`bench:observability: ${message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = {
    requests: 2000,
    connections: 50,
    rounds: 4,
    warmup: 1000,
    exporter: 'console',
    observed: 'full',
    node: process.execPath,
    sampler: null,
    json: false,
  };
  const int = (flag, value, min) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) fail(`${flag} must be a whole number >= ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : fail(`${a} needs a value`));
    if (a === '--') continue;
    else if (a === '--requests') args.requests = int(a, value(), 1);
    else if (a === '--connections') args.connections = int(a, value(), 1);
    else if (a === '--rounds') args.rounds = int(a, value(), 1);
    else if (a === '--warmup') args.warmup = int(a, value(), 0);
    else if (a === '--exporter') {
      args.exporter = value();
      if (!['console', 'otlp'].includes(args.exporter)) fail('--exporter must be console or otlp');
    } else if (a === '--observed') {
      args.observed = value();
      if (!Object.hasOwn(OBSERVED, args.observed)) {
        fail(`--observed must be one of ${Object.keys(OBSERVED).join(', ')}`);
      }
    } else if (a === '--node') args.node = value();
    else if (a === '--sampler') {
      const [name, arg] = value().split(':');
      if (!name) fail('--sampler needs a sampler name, e.g. parentbased_traceidratio:0.1');
      args.sampler = {
        OTEL_TRACES_SAMPLER: name,
        ...(arg ? { OTEL_TRACES_SAMPLER_ARG: arg } : {}),
      };
    } else if (a === '--json') args.json = true;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument: ${a}\n${USAGE}`);
  }
  return args;
}

/** A 2 KB log (2048 bytes exactly): an OOM crash loop amid ordinary lines. */
function twoKbLog() {
  const lines = [
    '2026-11-20T10:00:01Z INFO  starting payments-api version=1.4.2 pid=4121',
    '2026-11-20T10:00:02Z INFO  connected to postgres host=db-1.internal:5432 pool=20',
    '2026-11-20T10:01:44Z WARN  GC overhead high: 71% of time in the last 60s',
    '2026-11-20T10:02:57Z WARN  heap usage 94% (1932 MiB of 2048 MiB)',
    '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
    '    at com.acme.payments.Ledger.load(Ledger.java:88)',
    '    at com.acme.payments.Ledger.reconcile(Ledger.java:142)',
    '    at com.acme.payments.api.ReconcileHandler.handle(ReconcileHandler.java:57)',
    'Warning  BackOff  pod/payments-api-7d9f8b6c4-x2k9q  Back-off restarting failed container',
  ];
  let log = '';
  for (let i = 0; Buffer.byteLength(log) < 2048; i++) {
    const line = lines[i % lines.length];
    log += `${log ? '\n' : ''}${line}`;
  }
  return Buffer.from(log).subarray(0, 2048).toString('utf8');
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const QUIET = { LOG_LEVEL: 'warn', ENABLE_TRACING: 'false' };

/** The observed server's environment, and how the report names it, by --observed. */
const OBSERVED = {
  full: {
    env: { LOG_LEVEL: 'info', ENABLE_TRACING: 'true' },
    label: 'logs info, metrics, tracing on',
  },
  logs: {
    env: { LOG_LEVEL: 'info', ENABLE_TRACING: 'false' },
    label: 'logs info, metrics, tracing off',
  },
  spans: {
    env: { LOG_LEVEL: 'warn', ENABLE_TRACING: 'true' },
    label: 'logs warn, metrics, tracing on, span lines not written',
  },
  context: {
    env: {
      ...QUIET,
      NODE_OPTIONS: `--import=${pathToFileURL(join(ROOT, 'tooling', 'bench', 'async-context-preload.mjs')).href}`,
    },
    label: 'logs warn, metrics, tracing off, an AsyncLocalStorage enabled',
  },
};

/**
 * A stand-in for an OpenTelemetry collector: the adapters' loopback server
 * answering every OTLP/HTTP export with 200 and an empty
 * ExportTraceServiceResponse (`{}`), as the protocol's success response is.
 */
async function startOtlpSink() {
  const { startLoopbackServer } = await import(
    pathToFileURL(join(ROOT, 'packages', 'adapters', 'dist', 'testing.js')).href
  );
  const sink = await startLoopbackServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  return {
    endpoint: sink.url,
    exports: () =>
      sink.requests.filter((r) => r.method === 'POST' && r.path === '/v1/traces').length,
    close: () => sink.close(),
  };
}

/** The built API with its output to /dev/null; resolves once /api/health answers. */
async function startApi(name, node, configEnv) {
  const dir = mkdtempSync(join(tmpdir(), `devops-agent-bench-obs-${name}-`));
  const port = await freePort();
  const devNull = openSync('/dev/null', 'w');
  const child = spawn(node, [...serverNodeFlags(), API_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DB_PATH: join(dir, 'bench.db'),
      API_KEYS: `bench:${API_KEY}`,
      RATE_LIMIT_REQUESTS: '1000000000',
      // Every request is a new incident, so each runs the whole pipeline.
      DEDUP_WINDOW_SEC: '0',
      LOG_FORMAT: 'json',
      ...configEnv,
    },
    stdio: ['ignore', devNull, devNull],
  });
  closeSync(devNull);
  let exitCode;
  const exited = new Promise((r) =>
    child.once('exit', (code) => {
      exitCode = code;
      r(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (exitCode !== undefined) fail(`the ${name} API exited with ${exitCode} at start`);
    if (attempt > 600) fail(`the ${name} API did not answer on ${url}`);
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `total` POSTs of `body` to process_log; returns 200s, other outcomes by status, and elapsed ms. */
async function load(url, body, total, connections) {
  const result = await drive(url, '/api/process_log', {
    connections: Math.min(connections, total),
    amount: total,
    bodies: [body],
    headers: { 'x-api-key': API_KEY },
  });
  const errors = Object.fromEntries(
    Object.entries(result.statuses).filter(([status]) => status !== '200'),
  );
  if (result.errors > 0) errors.error = result.errors;
  return { ok: result.ok, errors, elapsedMs: result.elapsedMs };
}

async function measure(name, args, body, otlpEndpoint) {
  const env =
    name === 'quiet'
      ? QUIET
      : {
          ...OBSERVED[args.observed].env,
          ...args.sampler,
          ...(otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint } : {}),
        };
  const api = await startApi(name, args.node, env);
  try {
    if (args.warmup > 0) await load(api.url, body, args.warmup, args.connections);
    const cpuBefore = cpuSeconds(api.pid);
    const result = await load(api.url, body, args.requests, args.connections);
    const cpuAfter = cpuSeconds(api.pid);
    return {
      ...result,
      cpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    };
  } finally {
    await api.stop();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(API_MAIN)) fail('apps/api/dist is missing: run `pnpm build` first');
  const body = JSON.stringify({ log: twoKbLog() });
  let serverNode;
  try {
    serverNode = execFileSync(args.node, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    fail(`--node ${args.node} does not run`);
  }
  const totals = {
    quiet: { ok: 0, ms: 0, cpu: 0, errors: {} },
    observed: { ok: 0, ms: 0, cpu: 0, errors: {} },
  };
  const sink = args.exporter === 'otlp' ? await startOtlpSink() : null;
  const rounds = [];
  for (let round = 1; round <= args.rounds; round++) {
    const row = { round };
    // Alternate which goes first, so a load change on a shared machine hits both.
    const order = round % 2 === 1 ? ['quiet', 'observed'] : ['observed', 'quiet'];
    for (const name of order) {
      if (!args.json) process.stderr.write(`round ${round}: ${name}...\n`);
      const result = await measure(name, args, body, sink?.endpoint);
      totals[name].ok += result.ok;
      totals[name].ms += result.elapsedMs;
      totals[name].cpu =
        totals[name].cpu === null || result.cpuSeconds === null
          ? null
          : totals[name].cpu + result.cpuSeconds;
      for (const [k, v] of Object.entries(result.errors)) {
        totals[name].errors[k] = (totals[name].errors[k] ?? 0) + v;
      }
      row[name] = Math.round((result.ok / result.elapsedMs) * 1000 * 10) / 10;
    }
    row.ratio = Math.round((row.observed / row.quiet) * 1000) / 1000;
    rounds.push(row);
  }
  const otlpExports = sink ? sink.exports() : null;
  await sink?.close();
  const rate = (t) => Math.round((t.ok / t.ms) * 1000 * 10) / 10;
  const quiet = rate(totals.quiet);
  const observed = rate(totals.observed);
  const ratio = Math.round((observed / quiet) * 1000) / 1000;
  const cpuMs = (t) => (t.cpu === null ? null : Math.round((t.cpu / t.ok) * 1e5) / 100);
  const quietCpu = cpuMs(totals.quiet);
  const observedCpu = cpuMs(totals.observed);
  const cpuRatio =
    quietCpu === null || observedCpu === null
      ? null
      : Math.round((quietCpu / observedCpu) * 1000) / 1000;
  const ratios = rounds.map((r) => r.ratio).sort((a, b) => a - b);
  const mid = Math.floor(ratios.length / 2);
  const medianRatio =
    ratios.length % 2 === 1
      ? ratios[mid]
      : Math.round(((ratios[mid - 1] + ratios[mid]) / 2) * 1000) / 1000;
  const issueConfiguration = args.observed === 'full' && args.sampler === null;
  const report = {
    requests: args.requests,
    connections: args.connections,
    rounds: args.rounds,
    log_bytes: Buffer.byteLength(JSON.parse(body).log),
    exporter: args.exporter,
    observed: args.observed,
    server_node: serverNode,
    sampler: args.sampler,
    otlp_exports_received: otlpExports,
    quiet_req_per_s: quiet,
    observed_req_per_s: observed,
    ratio,
    median_round_ratio: medianRatio,
    cpu_ms_per_request: { quiet: quietCpu, observed: observedCpu },
    cpu_ratio: cpuRatio,
    target: TARGET,
    // The target is about the issue's configuration (every span recorded);
    // the other runs split or reduce its cost.
    meets_target: issueConfiguration ? ratio >= TARGET : null,
    per_round: rounds,
    errors: { quiet: totals.quiet.errors, observed: totals.observed.errors },
  };
  if (args.json) {
    console.log(JSON.stringify(report));
    return;
  }
  console.log(
    `process_log, ${args.requests} requests x ${args.rounds} rounds, ${args.connections} keep-alive connections, ${report.log_bytes}-byte log, servers on Node ${serverNode}`,
  );
  for (const r of rounds) {
    console.log(
      `  round ${r.round}: quiet ${r.quiet} req/s, observed ${r.observed} req/s, ratio ${r.ratio}`,
    );
  }
  console.log(`quiet    (logs warn, metrics, tracing off): ${quiet} req/s`);
  console.log(
    `observed (${OBSERVED[args.observed].label}${args.observed === 'full' || args.observed === 'spans' ? `, ${args.exporter} exporter` : ''}${args.sampler ? `, sampler ${Object.values(args.sampler).join(' ')}` : ''}): ${observed} req/s`,
  );
  if (otlpExports !== null) {
    console.log(`OTLP exports received by the loopback sink: ${otlpExports}`);
  }
  console.log(`median ratio of the rounds: ${medianRatio}`);
  if (cpuRatio !== null) {
    console.log(
      `server CPU per request: quiet ${quietCpu} ms, observed ${observedCpu} ms (throughput at equal CPU: ${cpuRatio})`,
    );
  }
  console.log(
    issueConfiguration
      ? `ratio observed/quiet: ${ratio} (target >= ${TARGET}: ${report.meets_target ? 'met' : 'NOT met'})`
      : `ratio observed/quiet: ${ratio} (not the issue's configuration, which records every span with --observed full: no verdict)`,
  );
  const failed = Object.values(report.errors).some((e) => Object.keys(e).length > 0);
  if (failed) console.log(`errors: ${JSON.stringify(report.errors)}`);
}

main().catch((error) => {
  console.error(`bench:observability: ${error?.stack ?? error}`);
  process.exit(1);
});
