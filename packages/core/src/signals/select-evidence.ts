import type { Category, FailureCategory } from '../domain/categories.js';
import type { Evidence } from '../domain/types.js';
import { explains } from '../reasoning/hypotheses.js';
import type { RecordSignal } from './detect-signals.js';

export const MAX_EVIDENCE = 20;
/** Lines of one template shown at most: twenty copies of one message say no more than three. */
const PER_TEMPLATE = 3;
const TEXT_LIMIT = 500;

interface Candidate {
  line: number;
  text: string;
  category: Category;
  weight: number;
  template: string;
}

/**
 * Keeps, one record at a time, the lines worth showing as evidence whatever
 * the final category turns out to be: per category its strongest cues, and
 * the first failing lines that match no cue. Memory is bounded by the number
 * of categories, not the size of the log.
 */
export class EvidenceCollector {
  readonly #byCategory = new Map<FailureCategory, Candidate[]>();
  readonly #unmatched: Candidate[] = [];

  /** `template` groups records of one kind (the miner's template id; by default the message without its numbers). */
  add(signal: RecordSignal, template: string = signal.record.message.replace(/\d+/g, '#')): void {
    const { record } = signal;
    if (signal.matches.length === 0) {
      if (
        signal.failing &&
        this.#unmatched.length < MAX_EVIDENCE &&
        sameTemplate(this.#unmatched, template) < PER_TEMPLATE
      ) {
        this.#unmatched.push({
          line: record.line,
          text: clip(firstLine(record.text)),
          category: 'unknown',
          weight: 0.3,
          template,
        });
      }
      return;
    }
    const best = new Map<FailureCategory, { weight: number; offset: number }>();
    for (const m of signal.matches) {
      const seen = best.get(m.category);
      if (!seen || m.weight > seen.weight) best.set(m.category, m);
    }
    for (const [category, { weight, offset }] of best) {
      const list = this.#byCategory.get(category) ?? [];
      if (list.length >= MAX_EVIDENCE && (list[list.length - 1]?.weight ?? 0) >= weight) continue;
      if (sameTemplate(list, template) >= PER_TEMPLATE) continue;
      const { line, text } = physicalLine(record.text, record.line, offset);
      insertByWeight(list, { line, text: clip(text), category, weight, template });
      this.#byCategory.set(category, list);
    }
  }

  /** Evidence for the chosen category: its own cues, then what it explains, then other failures. */
  select(category: Category): Evidence[] {
    if (category === 'none') return [];
    const pool: Candidate[] = [];
    for (const [c, list] of this.#byCategory) {
      const factor = c === category ? 1 : explains(category, c) ? 0.6 : 0.4;
      for (const e of list) pool.push({ ...e, weight: round(e.weight * factor) });
    }
    pool.push(...this.#unmatched);
    // One entry per line: its strongest reading.
    const byLine = new Map<number, Candidate>();
    for (const e of pool) {
      const seen = byLine.get(e.line);
      if (!seen || e.weight > seen.weight) byLine.set(e.line, e);
    }
    return [...byLine.values()]
      .sort((a, b) => b.weight - a.weight || a.line - b.line)
      .slice(0, MAX_EVIDENCE)
      .sort((a, b) => a.line - b.line)
      .map((e) => ({ line: e.line, text: e.text, category: e.category, weight: e.weight }));
  }
}

/** Evidence lines with weights for the chosen category (1-based lines of the submitted log). */
export function selectEvidence(signals: readonly RecordSignal[], category: Category): Evidence[] {
  const collector = new EvidenceCollector();
  for (const s of signals) collector.add(s);
  return collector.select(category);
}

/** The physical line of a record holding `offset`, and its 1-based number in the log. */
function physicalLine(text: string, firstLineNumber: number, offset: number) {
  let newlines = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    newlines++;
    start = i + 1;
  }
  const end = text.indexOf('\n', start);
  return {
    line: firstLineNumber + newlines,
    text: (end === -1 ? text.slice(start) : text.slice(start, end)).replace(/\r$/, ''),
  };
}

function insertByWeight(list: Candidate[], c: Candidate): void {
  let i = list.length;
  while (i > 0 && (list[i - 1]?.weight ?? 0) < c.weight) i--;
  list.splice(i, 0, c);
  if (list.length > MAX_EVIDENCE) list.pop();
}

function sameTemplate(list: readonly Candidate[], template: string): number {
  let n = 0;
  for (const c of list) if (c.template === template) n++;
  return n;
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end);
}

function clip(text: string): string {
  return text.length <= TEXT_LIMIT ? text : `${text.slice(0, TEXT_LIMIT - 1)}…`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
