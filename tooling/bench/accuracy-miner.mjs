// pnpm bench:accuracy:miner [--data PATH] [--only NAME] [--details]
//
// Grouping accuracy (GA) and parsing accuracy (PA) of the template miner on
// the Loghub-2k systems found under --data (default ../shared/data next to the
// repository), in the two modes of `devops-agent templates`:
//   content-only  each line is the ground truth's Content column (miner.addId)
//   raw           the raw log lines; the header layout is learned from the
//                 first lines and stripped by the miner's pipeline (miner.addLine)
// One generic configuration; nothing here knows which system it is reading.
// GA: a line counts when its group holds exactly the lines of its true event.
// PA: a line counts when its group's final template equals the true template
// (whitespace-normalised). --details lists the events grouped wrongly.
import { dataDir, groundTruth, rawLines, score, systems } from './loghub.mjs';

const core = await import('../../packages/core/dist/index.js');
const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
const details = argv.includes('--details');
const loghub = dataDir(argv);

function mineContent(messages) {
  const miner = new core.TemplateMiner();
  const ids = messages.map((m) => miner.addId(m)).map((id) => miner.resolve(id) ?? id);
  return { ids, templates: ids.map((id) => miner.template(id) ?? '') };
}

function mineRaw(lines) {
  const miner = new core.TemplateMiner();
  const layout = core.HeaderLayout.learn(lines.slice(0, core.HeaderLayout.SAMPLE_LINES));
  const ids = lines.map((l) => miner.addLine(l, layout)).map((id) => miner.resolve(id) ?? id);
  return { ids, templates: ids.map((id) => miner.template(id) ?? '') };
}

const rows = [];
for (const name of systems(loghub)) {
  if (only && name !== only) continue;
  const truth = groundTruth(loghub, name);
  const lines = rawLines(loghub, name);
  if (lines.length !== truth.length)
    throw new Error(`${name}: ${lines.length} lines, ${truth.length} truth rows`);
  const content = mineContent(truth.map((t) => t.content));
  const raw = mineRaw(lines);
  rows.push({
    name,
    c: score(truth, content.ids, content.templates),
    r: score(truth, raw.ids, raw.templates),
  });
  if (details) {
    report(`${name} (content-only)`, truth, content);
    report(`${name} (raw)`, truth, raw);
  }
}

const f = (x) => (x == null ? '  -  ' : x.toFixed(3));
console.log('system      content GA  content PA  raw GA  raw PA');
for (const { name, c, r } of rows) {
  console.log(
    `${name.padEnd(12)}${f(c.ga).padStart(10)}${f(c.pa).padStart(12)}${f(r?.ga).padStart(8)}${f(r?.pa).padStart(8)}`,
  );
}
const avg = (get) => rows.reduce((s, x) => s + (get(x) ?? 0), 0) / rows.length;
console.log(
  `${'average'.padEnd(12)}${f(avg((x) => x.c.ga)).padStart(10)}${f(avg((x) => x.c.pa)).padStart(12)}${f(avg((x) => x.r.ga)).padStart(8)}${f(avg((x) => x.r.pa)).padStart(8)}`,
);

function report(name, truth, mined) {
  // Wrongly grouped lines: for each truth event not matched exactly, show the groups it fell in.
  const byEvent = new Map();
  truth.forEach((t, i) => {
    if (!byEvent.has(t.eventId)) byEvent.set(t.eventId, { template: t.template, lines: [] });
    byEvent.get(t.eventId).lines.push(i);
  });
  const groupSize = new Map();
  for (const id of mined.ids) groupSize.set(id, (groupSize.get(id) ?? 0) + 1);
  console.log(`\n### ${name}`);
  for (const [id, e] of byEvent) {
    const groups = new Map();
    for (const i of e.lines) groups.set(mined.ids[i], (groups.get(mined.ids[i]) ?? 0) + 1);
    const ok = groups.size === 1 && groupSize.get([...groups.keys()][0]) === e.lines.length;
    if (ok) continue;
    console.log(`${id} (${e.lines.length}) ${e.template}`);
    for (const [g, cnt] of groups) {
      const first = e.lines.find((i) => mined.ids[i] === g);
      console.log(
        `    ${cnt}/${groupSize.get(g)} ${mined.templates[first]}   | ${truth[first].content.slice(0, 120)}`,
      );
    }
  }
}
