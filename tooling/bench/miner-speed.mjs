// pnpm bench:miner [--data PATH] [--lines N] [--seed S]
//
// Mines a corpus of N (default 1,000,000) lines built by repeating and
// shuffling the Loghub-2k raw lines, on one core (a single thread), and prints
// lines/s and the process's peak RSS. The corpus is produced in chunks of
// 10,000 lines joined into text and split again, as reading a file would give
// them: every line is a fresh string (repeated lines are not the same string
// object, whose cached hash would flatter the lookups). Only mining is timed,
// as wall-clock time and as the process's CPU time (user + system): on a busy
// machine the second is the cost on one core, the first includes waiting.
//
// Two runs over the same corpus, each with a fresh miner:
//   miner.addId(raw line)                 the miner alone, headers left in
//   miner.addLine(raw line, layout)       the `templates` pipeline: header
//                                         layout learned from the first lines,
//                                         structured lines parsed, headers stripped
import { dataDir, rawLines, systems } from './loghub.mjs';

const core = await import('../../packages/core/dist/index.js');
const argv = process.argv.slice(2);
const arg = (name, dflt) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const total = arg('--lines', 1_000_000);
const seed0 = arg('--seed', 42) >>> 0;
const CHUNK = 10_000;
const loghub = dataDir(argv);
const pool = systems(loghub).flatMap((name) => rawLines(loghub, name));

/** The corpus, chunk by chunk: a seeded shuffle of the pool repeated. */
function* chunks() {
  let seed = seed0;
  const random = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = pool.slice();
  let at = order.length;
  for (let done = 0; done < total; done += CHUNK) {
    const n = Math.min(CHUNK, total - done);
    const lines = new Array(n);
    for (let i = 0; i < n; i++) {
      if (at === order.length) {
        for (let k = order.length - 1; k > 0; k--) {
          const j = Math.floor(random() * (k + 1));
          [order[k], order[j]] = [order[j], order[k]];
        }
        at = 0;
      }
      lines[i] = order[at++];
    }
    yield lines.join('\n').split('\n');
  }
}

function run(label, mine) {
  let seconds = 0;
  let cpu = 0;
  let bytes = 0;
  const state = { ids: [] };
  for (const lines of chunks()) {
    for (const l of lines) bytes += l.length + 1;
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    mine(lines, state);
    const c1 = process.cpuUsage(c0);
    seconds += Number(process.hrtime.bigint() - t0) / 1e9;
    cpu += (c1.user + c1.system) / 1e6;
  }
  const groups = state.groups();
  const rate = (s) =>
    Math.round(total / s)
      .toLocaleString('en-US')
      .padStart(10);
  console.log(
    `${label.padEnd(36)} ${rate(seconds)} lines/s (wall) ${rate(cpu)} lines/s (CPU time)  ` +
      `${(bytes / 1e6 / seconds).toFixed(0).padStart(4)} MB/s  (${seconds.toFixed(2)} s, ${groups} groups)`,
  );
}

console.log(
  `corpus: ${total.toLocaleString('en-US')} lines from ${pool.length} Loghub-2k lines, node ${process.version}`,
);

// The yardstick: splitting each line on whitespace and hashing every
// token (FNV-1a over its UTF-16 code units), nothing else. Machines differ;
// the miner's figures are best read against this one, measured in the same run.
run('baseline: split + hash tokens', (lines, state) => {
  state.distinct ??= new Set();
  state.groups ??= () => state.distinct.size;
  let h = 0;
  for (let i = 0; i < lines.length; i++) {
    const tokens = lines[i].split(/\s+/);
    for (let t = 0; t < tokens.length; t++) {
      const token = tokens[t];
      h = 0x811c9dc5;
      for (let k = 0; k < token.length; k++) h = Math.imul(h ^ token.charCodeAt(k), 0x01000193);
    }
    if ((i & 1023) === 0) state.distinct.add(h >>> 0);
  }
});

run('miner.addId on raw lines', (lines, state) => {
  state.miner ??= new core.TemplateMiner();
  state.groups ??= () => state.miner.groups().length;
  const miner = state.miner;
  for (let i = 0; i < lines.length; i++) miner.addId(lines[i]);
});

run('miner.addLine (templates pipeline)', (lines, state) => {
  state.miner ??= new core.TemplateMiner();
  state.layout ??= core.HeaderLayout.learn(lines.slice(0, core.HeaderLayout.SAMPLE_LINES));
  state.groups ??= () => state.miner.groups().length;
  const { miner, layout } = state;
  for (let i = 0; i < lines.length; i++) miner.addLine(lines[i], layout);
});

const peak = process.resourceUsage().maxRSS / 1024;
console.log(
  `peak RSS: ${peak.toFixed(0)} MB (whole process: Node, the Loghub pool, one 10k-line chunk, the miners)`,
);
