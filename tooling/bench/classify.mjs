#!/usr/bin/env node
// Classification accuracy of @agent/core on labelled incident logs.
//
//   pnpm bench:accuracy:classify [--data DIR|FILE] [--strategy reflective|classic] [--verbose] [--json]
//
// Reads <data>/incidents/dev.jsonl (default data dir: ../shared/data relative
// to the repository root). Each line is {"id","category","log",...}. Imports
// the BUILT core (packages/core/dist): run `pnpm --filter @agent/core build` first.
// The data is read in place and never copied into the repository.
import { resolve } from 'node:path';
import { importBuiltCore, incidentsFile, loadIncidents } from './incidents.mjs';
import { REPO_ROOT } from './loghub.mjs';

function parseArgs(argv) {
  const args = { data: resolve(REPO_ROOT, '..', 'shared', 'data'), strategy: 'reflective' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data') args.data = resolve(process.cwd(), argv[++i] ?? '');
    else if (a === '--strategy') args.strategy = argv[++i];
    else if (a === '--verbose' || a === '-v') args.verbose = true;
    else if (a === '--json') args.json = true;
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: classify.mjs [--data DIR|FILE] [--strategy reflective|classic] [--verbose] [--json]',
      );
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  if (!['reflective', 'classic'].includes(args.strategy)) {
    console.error('--strategy must be reflective or classic');
    process.exit(2);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const { createAgent } = await importBuiltCore();

const file = incidentsFile(args.data);
const rows = loadIncidents(file);

const agent = createAgent({ reasoning: { enableReflection: args.strategy === 'reflective' } });
const results = [];
const started = performance.now();
for (const row of rows) {
  const r = await agent.processLog({ log: row.log, includeTrace: false });
  results.push({ id: row.id, expected: row.category, got: r.category, confidence: r.confidence });
}
const elapsed = performance.now() - started;
await agent.close();

const correct = results.filter((r) => r.expected === r.got);
const wrong = results.filter((r) => r.expected !== r.got);
// "none" given to a log that shows an error, and a category given to a healthy log.
const missedErrors = results.filter((r) => r.expected !== 'none' && r.got === 'none');
const falseAlarms = results.filter((r) => r.expected === 'none' && r.got !== 'none');
const accuracy = results.length > 0 ? correct.length / results.length : 0;

const buckets = [
  [0, 0.5],
  [0.5, 0.7],
  [0.7, 0.85],
  [0.85, 1.01],
].map(([lo, hi]) => {
  const inside = results.filter((r) => r.confidence >= lo && r.confidence < hi);
  const ok = inside.filter((r) => r.expected === r.got).length;
  return { range: `${lo.toFixed(2)}-${Math.min(hi, 1).toFixed(2)}`, n: inside.length, ok };
});

if (args.json) {
  console.log(
    JSON.stringify({
      dataset: file,
      strategy: args.strategy,
      logs: results.length,
      accuracy,
      none_given_to_errors: missedErrors.length,
      category_given_to_healthy: falseAlarms.length,
      confusions: wrong,
      confidence_buckets: buckets,
      ms: elapsed,
    }),
  );
} else {
  console.log(`dataset   ${file}`);
  console.log(`strategy  ${args.strategy}`);
  console.log(`logs      ${results.length}  (${elapsed.toFixed(0)} ms)`);
  console.log(`top-1     ${accuracy.toFixed(3)}  (${correct.length}/${results.length})`);
  console.log(`none given to an error log:   ${missedErrors.length}`);
  console.log(`category given to a healthy log: ${falseAlarms.length}`);
  console.log(`confusions (expected -> got, id): ${wrong.length}`);
  for (const r of wrong) console.log(`  ${r.expected} -> ${r.got}  ${r.id}`);
  console.log('confidence buckets (range: correct/n):');
  for (const b of buckets) console.log(`  ${b.range}: ${b.ok}/${b.n}`);
  if (args.verbose) {
    console.log('all:');
    for (const r of results) {
      console.log(
        `  ${r.expected === r.got ? 'ok  ' : 'MISS'} ${r.expected.padEnd(20)} ${r.got.padEnd(20)} ${r.confidence.toFixed(2)} ${r.id}`,
      );
    }
  }
}
