// The labelled incident logs (incidents/dev.jsonl) and the built core, for
// the classification and reasoning benchmarks. Reads only; the data stays
// outside the repository.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './loghub.mjs';

/** `--data` may name the dataset file itself or a directory holding incidents/dev.jsonl. */
export function incidentsFile(data) {
  if (existsSync(data) && statSync(data).isFile()) return data;
  for (const candidate of [join(data, 'incidents', 'dev.jsonl'), join(data, 'dev.jsonl')]) {
    if (existsSync(candidate)) return candidate;
  }
  console.error(`no dataset found at ${data} (expected incidents/dev.jsonl)`);
  process.exit(2);
}

/** Every labelled log of the file: {"id","category","log",...} a line. */
export function loadIncidents(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/** The BUILT core (packages/core/dist); the root bench scripts build it first. */
export async function importBuiltCore() {
  const dist = join(REPO_ROOT, 'packages', 'core', 'dist', 'index.js');
  if (!existsSync(dist)) {
    console.error('packages/core/dist is missing: run `pnpm --filter @agent/core build` first');
    process.exit(2);
  }
  return import(pathToFileURL(dist).href);
}
