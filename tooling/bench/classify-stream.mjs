#!/usr/bin/env node
// `devops-agent analyze` on a large log: wall time, CPU time and peak RSS of
// the real CLI process streaming a synthetic log. CPU time (user + system, all
// of the process's threads) and peak RSS are the child's own figures, written
// at its exit by a preloaded hook; on a busy machine CPU time is the cost, wall
// time includes waiting for a core.
//
//   pnpm bench:analyze:stream [--mb 100] [--keep]
//
// The log is generated in the OS temp directory (mixed access lines, INFO /
// DEBUG / WARN application lines, Java stack traces and Kubernetes probe
// events, seeded so every run reads the same text) and removed afterwards
// unless --keep. Needs the built CLI and core: `pnpm build` first (the root
// script builds them). Issue 3's target: under 10 s and under 300 MB for 100 MB.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(repoRoot, 'apps', 'cli', 'dist', 'index.js');

const argv = process.argv.slice(2);
const mb = Number(argv[argv.indexOf('--mb') + 1] ?? 100) || 100;
const keep = argv.includes('--keep');
if (!existsSync(cli)) {
  console.error('apps/cli/dist/index.js is missing: run `pnpm build` first');
  process.exit(2);
}

// A small deterministic generator (mulberry32), so runs are comparable.
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const r = (n) => Math.floor(random() * n);
let line = 0;
const ts = () => new Date(1714900000000 + line * 37).toISOString();
const kinds = [
  [
    40,
    () =>
      `10.0.${r(255)}.${r(255)} - - [05/May/2024:10:${String(r(60)).padStart(2, '0')}:00 +0000] "GET /api/products/${r(9999)}?page=${r(20)} HTTP/1.1" 200 ${r(90000)} "-" "Mozilla/5.0"`,
  ],
  [
    35,
    () =>
      `${ts()} INFO  [http-nio-8080-exec-${r(200)}] c.a.shop.OrderService - order ${r(1e6)} placed by user ${r(1e5)} total=${r(1000)}.${r(99)} EUR`,
  ],
  [
    10,
    () =>
      `${ts()} DEBUG [scheduler-${r(8)}] c.a.cache.Warmup - warmed ${r(5000)} entries in ${r(900)}ms`,
  ],
  [
    8,
    () =>
      `${ts()} WARN  [http-nio-8080-exec-${r(200)}] c.a.shop.Pricing - slow pricing call took ${r(5000)}ms for sku ${r(99999)}`,
  ],
  [
    5,
    () =>
      `${ts()} ERROR [http-nio-8080-exec-${r(200)}] c.a.shop.Payments - charge ${r(1e6)} failed: java.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\n\tat com.acme.shop.Payments.charge(Payments.java:${r(400)})`,
  ],
  [
    2,
    () =>
      `  Warning  Unhealthy  ${r(60)}s (x${r(50)} over 10m)  kubelet  Readiness probe failed: Get "http://10.244.${r(9)}.${r(255)}:8080/ready": context deadline exceeded`,
  ],
];
const pick = () => {
  let x = r(100);
  for (const [weight, make] of kinds) {
    if (x < weight) return make;
    x -= weight;
  }
  return kinds[0][1];
};

async function generate(path, bytes) {
  const out = createWriteStream(path);
  let written = 0;
  while (written < bytes) {
    let chunk = '';
    for (let i = 0; i < 1000; i++, line++) chunk += `${pick()()}\n`;
    written += chunk.length;
    if (!out.write(chunk)) await new Promise((ok) => out.once('drain', ok));
  }
  await new Promise((ok) => out.end(ok));
}

/** Peak resident set size of a running process (Linux), in KB. */
function peakRssKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const file = join(tmpdir(), `devops-agent-bench-${process.pid}.log`);
process.stdout.write(`generating ${mb} MB at ${file} ... `);
await generate(file, mb * 1024 * 1024);
console.log('done');

// Preloaded into the CLI: its own CPU time and peak RSS, written at exit.
const usageFile = join(tmpdir(), `devops-agent-bench-${process.pid}.usage.json`);
const hook = join(tmpdir(), `devops-agent-bench-${process.pid}.usage.cjs`);
writeFileSync(
  hook,
  `process.on('exit', () => { const c = process.cpuUsage(); require('node:fs').writeFileSync(${JSON.stringify(
    usageFile,
  )}, JSON.stringify({ cpu: (c.user + c.system) / 1e6, maxRssKb: process.resourceUsage().maxRSS })); });\n`,
);

const started = performance.now();
const child = spawn(process.execPath, ['--require', hook, cli, 'analyze', file, '--json'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let output = '';
child.stdout.on('data', (b) => {
  output += b;
});
let peak = 0;
const poll = setInterval(() => {
  peak = Math.max(peak, peakRssKb(child.pid));
}, 50);
const code = await new Promise((ok) => child.on('close', ok));
clearInterval(poll);
const seconds = (performance.now() - started) / 1000;
if (!keep) rmSync(file, { force: true });
let usage = null;
try {
  usage = JSON.parse(readFileSync(usageFile, 'utf8'));
} catch {}
rmSync(usageFile, { force: true });
rmSync(hook, { force: true });
if (usage) peak = Math.max(peak, usage.maxRssKb);
if (code !== 0) {
  console.error(`analyze exited with ${code}`);
  process.exit(1);
}
const result = JSON.parse(output);
console.log(
  `analyze   ${mb} MB in ${seconds.toFixed(2)} s (wall)` +
    (usage ? `, ${usage.cpu.toFixed(2)} s CPU time (user + system)` : ''),
);
console.log(`peak RSS  ${peak > 0 ? `${(peak / 1024).toFixed(0)} MB` : 'n/a (no /proc)'}`);
console.log(
  `result    ${result.category}, ${result.evidence.length} evidence lines, ${result.templates.length} templates`,
);
console.log(
  `target    < 10 s and < 300 MB: ${seconds < 10 && peak / 1024 < 300 ? 'met' : 'not met here'}`,
);
