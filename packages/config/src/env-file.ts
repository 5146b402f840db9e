import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { ConfigIssue } from './config-error.js';

export type EnvFileResult =
  | { readonly ok: true; readonly values: Record<string, string> }
  | { readonly ok: false; readonly issues: ConfigIssue[] };

const ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=(.*)$/;
const QUOTES = new Set(['"', "'", '`']);

/**
 * Node's `util.parseEnv` never fails: a line without `=` silently becomes
 * part of a strange key, an unclosed quote becomes a literal. A .env file is
 * configuration too, so those are reported instead. Lines are never echoed,
 * as they may hold secrets.
 */
function syntaxProblems(path: string, content: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const lines = content.split(/\r?\n/);
  const problem = (line: number, what: string) =>
    issues.push({ variable: null, file: path, message: `${path} line ${line}: ${what}` });

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = ASSIGNMENT.exec(line);
    if (match === null) {
      problem(index + 1, 'is not an assignment (expected KEY=value, a # comment or a blank line)');
      continue;
    }
    const value = (match[1] ?? '').trimStart();
    const quote = value[0];
    if (quote === undefined || !QUOTES.has(quote)) continue;
    if (value.indexOf(quote, 1) !== -1) continue;
    // A quoted value may span lines: continue after the line that closes it.
    const closing = lines.findIndex((next, at) => at > index && next.includes(quote));
    if (closing === -1) {
      problem(index + 1, `opens a ${quote} quoted value that is never closed`);
      break; // the rest of the file is inside the open quote
    }
    index = closing;
  }
  return issues;
}

/**
 * Reads a .env file. `required: false` makes a missing file an empty one
 * (the implicit `.env` in the working directory); any other read failure is
 * an issue, as is malformed content.
 */
export function readEnvFile(path: string, required: boolean): EnvFileResult {
  let content: string;
  try {
    // An editor's byte-order mark would otherwise become part of the first key.
    content = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    if (code === 'ENOENT' && !required) return { ok: true, values: {} };
    const message = `${path}: cannot read the env file (${code})`;
    return { ok: false, issues: [{ variable: null, file: path, message }] };
  }
  const issues = syntaxProblems(path, content);
  if (issues.length > 0) return { ok: false, issues };
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parseEnv(content))) {
    if (value !== undefined) values[key] = value;
  }
  return { ok: true, values };
}
