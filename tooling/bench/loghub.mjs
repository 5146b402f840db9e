// Loading the Loghub-2k benchmark files. Reads only; the data stays outside the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `--data PATH` from the command line, default ../shared/data next to the repository. */
export function dataDir(argv = process.argv.slice(2)) {
  const at = argv.indexOf('--data');
  const dir =
    at >= 0 && argv[at + 1] ? resolve(argv[at + 1]) : resolve(REPO_ROOT, '../shared/data');
  const loghub = existsSync(join(dir, 'loghub-2k')) ? join(dir, 'loghub-2k') : dir;
  if (!existsSync(loghub)) {
    console.error(`no Loghub data at ${loghub}; pass --data PATH`);
    process.exit(2);
  }
  return loghub;
}

export function systems(loghub) {
  return readdirSync(loghub, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(loghub, d.name, `${d.name}_2k.log`)))
    .map((d) => d.name)
    .sort();
}

/** Raw lines of a system's log (LF or CRLF, with or without a final newline). */
export function rawLines(loghub, name) {
  const text = readFileSync(join(loghub, name, `${name}_2k.log`), 'utf8');
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Ground truth rows: {content, eventId, template}. */
export function groundTruth(loghub, name) {
  const text = readFileSync(join(loghub, name, `${name}_2k.log_structured_corrected.csv`), 'utf8');
  const rows = parseCsv(text);
  const header = rows.shift();
  const ci = header.indexOf('Content');
  const ei = header.indexOf('EventId');
  const ti = header.indexOf('EventTemplate');
  return rows
    .filter((r) => r.length >= header.length)
    .map((r) => ({ content: r[ci], eventId: r[ei], template: r[ti] }));
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const norm = (t) => t.replace(/\s+/g, ' ').trim();

/** Grouping accuracy and parsing accuracy of predicted group ids and templates against the truth. */
export function score(truth, groups, templates) {
  const n = truth.length;
  const truthSize = new Map();
  for (const t of truth) truthSize.set(t.eventId, (truthSize.get(t.eventId) ?? 0) + 1);
  const members = new Map();
  groups.forEach((g, i) => {
    if (!members.has(g)) members.set(g, []);
    members.get(g).push(i);
  });
  let grouped = 0;
  for (const list of members.values()) {
    const ids = new Set(list.map((i) => truth[i].eventId));
    if (ids.size === 1 && truthSize.get(truth[list[0]].eventId) === list.length)
      grouped += list.length;
  }
  let parsed = 0;
  for (let i = 0; i < n; i++) if (norm(templates[i]) === norm(truth[i].template)) parsed++;
  return { ga: grouped / n, pa: parsed / n };
}
