#!/usr/bin/env node
// Reasoning benchmark: top-1 accuracy of the classic (one pass) and the
// reflective loop on labelled incident logs, on the logs that show more than
// one failure, and per confidence bucket (does `confidence` mean something?).
//
//   pnpm bench:reasoning [--data DIR|FILE] [--cycles N] [--target T] [--verbose] [--json]
//
// Reads <data>/incidents/dev.jsonl (default data dir: ../shared/data relative
// to the repository root); each line is {"id","category","log",...}. Imports
// the BUILT core (packages/core/dist): `pnpm bench:reasoning` builds it first.
// The data is read in place and never copied into the repository.
import { resolve } from 'node:path';
import { importBuiltCore, incidentsFile, loadIncidents } from './incidents.mjs';
import { REPO_ROOT } from './loghub.mjs';

const USAGE =
  'usage: reasoning.mjs [--data DIR|FILE] [--cycles N] [--target T] [--verbose] [--json]';

function parseArgs(argv) {
  const args = { data: resolve(REPO_ROOT, '..', 'shared', 'data'), cycles: 2, target: 0.7 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data') args.data = resolve(process.cwd(), argv[++i] ?? '');
    else if (a === '--cycles') args.cycles = Number(argv[++i]);
    else if (a === '--target') args.target = Number(argv[++i]);
    else if (a === '--verbose' || a === '-v') args.verbose = true;
    else if (a === '--json') args.json = true;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}\n${USAGE}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(args.cycles) || args.cycles < 1) {
    console.error('--cycles must be a positive integer');
    process.exit(2);
  }
  if (!(args.target >= 0 && args.target <= 1)) {
    console.error('--target must be between 0 and 1');
    process.exit(2);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const core = await importBuiltCore();

const file = incidentsFile(args.data);
const rows = loadIncidents(file);

/** Failure categories whose cues show in the log (before any ranking): more than one = a multi-failure log. */
function failureCategories(log) {
  const signals = core.detectSignals(core.ingestLog(core.redactSecrets(log)));
  return [...new Set(signals.flatMap((s) => s.matches.map((m) => m.category)))].sort();
}

const BUCKETS = [
  [0, 0.5],
  [0.5, 0.7],
  [0.7, 0.85],
  [0.85, 1.01],
];

async function run(strategy) {
  // A fresh in-memory store per log: no log recalls another.
  const results = [];
  const started = performance.now();
  for (const row of rows) {
    const agent = core.createAgent({
      reasoning: {
        enableReflection: strategy === 'reflective',
        maxCycles: args.cycles,
        target: args.target,
      },
    });
    const r = await agent.processLog({ log: row.log });
    await agent.close();
    results.push({
      id: row.id,
      expected: row.category,
      got: r.category,
      confidence: r.confidence,
      cycles: r.reasoning.cycles,
    });
  }
  return { strategy, results, ms: performance.now() - started };
}

function accuracy(results) {
  const ok = results.filter((r) => r.expected === r.got).length;
  return { ok, n: results.length, accuracy: results.length > 0 ? ok / results.length : 0 };
}

function buckets(results) {
  return BUCKETS.map(([lo, hi]) => {
    const inside = results.filter((r) => r.confidence >= lo && r.confidence < hi);
    return { range: `${lo.toFixed(2)}-${Math.min(hi, 1).toFixed(2)}`, ...accuracy(inside) };
  });
}

const multi = new Set(rows.filter((r) => failureCategories(r.log).length > 1).map((r) => r.id));
const runs = [await run('classic'), await run('reflective')];
const report = {
  dataset: file,
  logs: rows.length,
  multi_failure_logs: multi.size,
  settings: { max_cycles: args.cycles, target: args.target },
  strategies: runs.map(({ strategy, results, ms }) => ({
    strategy,
    top1: accuracy(results),
    multi_failure: accuracy(results.filter((r) => multi.has(r.id))),
    single_failure: accuracy(results.filter((r) => !multi.has(r.id))),
    mean_cycles: results.reduce((n, r) => n + r.cycles, 0) / Math.max(1, results.length),
    confidence_buckets: buckets(results),
    misses: results.filter((r) => r.expected !== r.got),
    ms,
  })),
};

if (args.json) {
  console.log(JSON.stringify(report));
} else {
  const pct = (a) => `${a.accuracy.toFixed(3)} (${a.ok}/${a.n})`;
  console.log(`dataset  ${file}`);
  console.log(
    `logs     ${rows.length}, ${multi.size} with more than one failure category; max cycles ${args.cycles}, target ${args.target}`,
  );
  console.log('');
  console.log('strategy     top-1            multi-failure    single-failure   mean cycles');
  for (const s of report.strategies) {
    console.log(
      `${s.strategy.padEnd(12)} ${pct(s.top1).padEnd(16)} ${pct(s.multi_failure).padEnd(16)} ${pct(s.single_failure).padEnd(16)} ${s.mean_cycles.toFixed(2)}`,
    );
  }
  for (const s of report.strategies) {
    console.log('');
    console.log(`${s.strategy}: accuracy per confidence bucket`);
    for (const b of s.confidence_buckets) {
      console.log(
        `  ${b.range}  ${b.n === 0 ? '   -  ' : b.accuracy.toFixed(3)}  (${b.ok}/${b.n})`,
      );
    }
    if (s.misses.length > 0) {
      console.log(`  misses (expected -> got, confidence, id):`);
      for (const m of s.misses) {
        console.log(`    ${m.expected} -> ${m.got}  ${m.confidence.toFixed(2)}  ${m.id}`);
      }
    }
  }
  if (args.verbose) {
    console.log('');
    console.log('multi-failure logs:');
    for (const row of rows.filter((r) => multi.has(r.id))) {
      console.log(`  ${row.id}: ${failureCategories(row.log).join(', ')} (label ${row.category})`);
    }
  }
}
