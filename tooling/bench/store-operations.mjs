// pnpm bench:store:operations [--calls N] [--in-flight C] [--json]
//
// The knowledge store's request-path operations on their own: the built
// @agent/knowledge on a SQLite file (in the OS temp directory), with no HTTP,
// analysis or tracing around them. Each operation is called N times (default
// 20,000) with C calls in flight (default 50, as the HTTP benchmarks keep),
// after 500 unmeasured calls, and the process's CPU time per call is printed
// (user + system, all threads: the WAL checkpointer's too). Incidents carry a
// 4 KB result, about what process_log stores for a 2 KB log.
//
//   findSimilar               recall: one tenant and signature, newest first
//   findLearnedPattern        the newest learned pattern of a signature (none here)
//   listVotes                 plugin votes for a category
//   recordIncident (repeat)   a repeat inside the dedup window (300 s)
//   recordIncident (new)      a new signature with the window on
//   recordIncident (window 0) a new incident with deduplication off
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function parseArgs(argv) {
  const args = { calls: 20_000, inFlight: 50, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const int = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) {
        console.error(`bench:store:operations: ${a} needs a whole number >= 1`);
        process.exit(2);
      }
      return n;
    };
    if (a === '--') continue;
    else if (a === '--calls') args.calls = int();
    else if (a === '--in-flight') args.inFlight = int();
    else if (a === '--json') args.json = true;
    else {
      console.error(
        `bench:store:operations: unknown argument ${a}\nusage: pnpm bench:store:operations -- [--calls N] [--in-flight C] [--json]`,
      );
      process.exit(2);
    }
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const { createKnowledgeStore } = await import(
  pathToFileURL(join(ROOT, 'packages', 'knowledge', 'dist', 'index.js')).href
);
const dir = mkdtempSync(join(tmpdir(), 'devops-agent-bench-store-ops-'));
const store = await createKnowledgeStore({ dbPath: join(dir, 'store.db') });

const result = { incidentId: 'x', category: 'oom', summary: 'y'.repeat(4000) };
let serial = 0;
const incident = (signature) => {
  const at = new Date().toISOString();
  serial += 1;
  return {
    incidentId: `bench-${serial}`,
    tenant: 'bench',
    receivedAt: at,
    lastSeenAt: at,
    category: 'oom',
    severity: 'high',
    signature,
    occurrences: 1,
    result,
  };
};
const record = (signature, window) => store.recordIncident(incident(signature), window);

/** CPU microseconds per call of `operation`, `inFlight` at a time. */
async function time(operation) {
  const batch = async (calls) => {
    let next = 0;
    const worker = async () => {
      while (next < calls) {
        next += 1;
        await operation();
      }
    };
    await Promise.all(Array.from({ length: Math.min(args.inFlight, calls) }, worker));
  };
  await batch(500);
  const before = process.cpuUsage();
  await batch(args.calls);
  const used = process.cpuUsage(before);
  return Math.round(((used.user + used.system) / args.calls) * 10) / 10;
}

await record('sig-storm', 300);
const rows = [
  ['findSimilar', () => store.findSimilar({ tenant: 'bench', signature: 'sig-storm', limit: 6 })],
  ['findLearnedPattern', () => store.findLearnedPattern('bench', 'sig-storm')],
  ['listVotes', () => store.listVotes('oom')],
  ['recordIncident (repeat)', () => record('sig-storm', 300)],
  ['recordIncident (new)', () => record(`sig-${serial}`, 300)],
  ['recordIncident (window 0)', () => record('sig-off', 0)],
];
const figures = {};
try {
  for (const [name, operation] of rows) figures[name] = await time(operation);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

if (args.json) {
  console.log(
    JSON.stringify({ calls: args.calls, inFlight: args.inFlight, cpuUsPerCall: figures }),
  );
} else {
  console.log(
    `bench:store:operations  SQLite, ${args.calls} calls each, ${args.inFlight} in flight\n`,
  );
  console.log('| operation | CPU us/call |\n|---|---:|');
  for (const [name, us] of Object.entries(figures)) console.log(`| ${name} | ${us} |`);
}
