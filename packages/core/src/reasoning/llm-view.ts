import type { Category } from '../domain/categories.js';
import type { Evidence, IncidentContext, TemplateCount } from '../domain/types.js';
import { redactSecrets } from '../ingest/redact.js';
import type { LlmRequest } from '../ports/llm-client.js';
import type { RecordSignal } from '../signals/detect-signals.js';
import type { Hypothesis } from './hypotheses.js';

/** What the compact view is built from: the analysis of one log. */
export interface LlmViewInput {
  records: number;
  signals: readonly RecordSignal[];
  /** Root cause first. */
  hypotheses: readonly Hypothesis[];
  /** Most frequent first. */
  templates: readonly TemplateCount[];
  evidence(category: Category): Evidence[];
  context: IncidentContext;
  categories: readonly Category[];
  /** The heuristic leader's category (may be `unknown`): its evidence comes first. */
  leading: Category;
}

export interface LlmView {
  /** The request, without model and temperature. */
  request: Omit<LlmRequest, 'model' | 'temperature'>;
  /** Estimated tokens of the whole request as the client will send it. */
  tokens: number;
  /** Parts left out or shortened to stay within the budget (for the trace). */
  omitted: number;
}

/** Rough token estimate for English-like text and JSON: 4 characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A shown line is clipped to this many characters (a stack trace shows its first lines). */
const LINE_CHARS = 300;
/** Hypotheses sent to the model. */
const TOP_HYPOTHESES = 5;
/** Below this budget for the log view the model would be guessing: do not ask. */
export const MIN_VIEW_TOKENS = 48;

interface Part {
  /** Lower is more important: included first, dropped last. */
  priority: number;
  section: 'evidence' | 'templates';
  /** Position within its section (line number, template rank). */
  order: number;
  text: string;
}

/**
 * The compact, redacted view of a log that is all an LLM ever sees: the
 * evidence lines (a little context around them), the mined templates with
 * their counts, the top hypotheses and the category list, within
 * `maxTokens` for the whole request (`overheadTokens` is what the client
 * adds around it). When it does not fit, the least important parts go
 * first: wider context, rare templates, evidence of weaker hypotheses, then
 * the rest. Every text goes through `redactSecrets` once more on its way
 * out, whatever redaction ingestion already did.
 *
 * Returns null when even the smallest useful view does not fit.
 */
export function buildLlmView(
  input: LlmViewInput,
  maxTokens: number,
  overheadTokens: number,
): LlmView | null {
  const hypotheses = input.hypotheses.slice(0, TOP_HYPOTHESES).map((h) => ({
    category: h.category,
    confidence: round(h.strength),
  }));
  const context: IncidentContext = {};
  for (const [key, value] of Object.entries(input.context) as [keyof IncidentContext, string][]) {
    if (typeof value === 'string' && value !== '') context[key] = redactSecrets(value);
  }
  const fixed = JSON.stringify({ log: '', context, hypotheses, categories: input.categories });
  const budget = maxTokens - overheadTokens - estimateTokens(fixed);
  if (budget < MIN_VIEW_TOKENS) return null;

  const parts = collectParts(input);
  const failing = input.signals.filter((s) => s.failing).length;
  const header = `${input.records} records, ${failing} failing`;
  let used = estimateTokens(header) + 2 * SECTION_HEADER_TOKENS;
  const kept: Part[] = [];
  let omitted = 0;
  for (const part of parts.sort((a, b) => a.priority - b.priority || a.order - b.order)) {
    // +1 for the newline (and JSON escaping, roughly).
    const cost = estimateTokens(part.text) + 1;
    if (used + cost <= budget) {
      kept.push(part);
      used += cost;
      continue;
    }
    omitted++;
    const room = (budget - used - 1) * 4;
    if (room >= 40) {
      kept.push({ ...part, text: clip(part.text, room) });
      used = budget;
    }
  }
  const section = (name: Part['section']) =>
    kept.filter((p) => p.section === name).sort((a, b) => a.order - b.order);
  const evidence = section('evidence');
  const templates = section('templates');
  const lines = [header];
  if (evidence.length > 0) {
    lines.push(
      'evidence (line number, text; * marks a failure cue):',
      ...evidence.map((p) => p.text),
    );
  }
  if (templates.length > 0) {
    lines.push('templates (count x template):', ...templates.map((p) => p.text));
  }
  if (omitted > 0) lines.push(`(${omitted} more lines left out to fit the budget)`);
  const log = redactSecrets(lines.join('\n'));
  const request = { log, context, hypotheses, categories: input.categories };
  return {
    request,
    tokens: overheadTokens + estimateTokens(JSON.stringify(request)),
    omitted,
  };
}

/** Section headers and the omission note, roughly. */
const SECTION_HEADER_TOKENS = 16;

function collectParts(input: LlmViewInput): Part[] {
  const parts: Part[] = [];
  const shown = new Map<number, Part>();
  const add = (priority: number, line: number, text: string, cue: boolean) => {
    const rendered = `${cue ? '*' : ' '}${line}: ${clip(redactSecrets(oneLine(text)), LINE_CHARS)}`;
    const seen = shown.get(line);
    if (seen) {
      if (priority < seen.priority) {
        seen.priority = priority;
        seen.text = rendered;
      }
      return;
    }
    const part: Part = { priority, section: 'evidence', order: line, text: rendered };
    shown.set(line, part);
    parts.push(part);
  };

  // 1. The leader's evidence (its strongest lines first), 2. the failing
  // lines no category explains (what an `unknown` log is about), 3. the
  // other hypotheses' evidence.
  const leaderEvidence = byWeight(input.evidence(input.leading));
  leaderEvidence.forEach((e, i) => {
    add(i < 3 ? 1 : 5, e.line, e.text, e.category !== 'unknown');
  });
  input.hypotheses.slice(0, TOP_HYPOTHESES).forEach((h, rank) => {
    if (h.category === input.leading) return;
    byWeight(input.evidence(h.category))
      .filter((e) => e.category === h.category)
      .forEach((e, i) => {
        add(i < 2 ? 3 + rank * 0.1 : 6, e.line, e.text, true);
      });
  });

  // 4. Context: the records around each evidence line, nearest first.
  const records = new RecordIndex(input.signals);
  for (const part of [...parts]) {
    const at = records.indexOfLine(part.order);
    if (at === undefined) continue;
    for (const distance of [1, 2]) {
      for (const neighbour of [at - distance, at + distance]) {
        const s = records.at(neighbour);
        if (s) add(distance === 1 ? 4 : 7, s.record.line, s.record.text, s.matches.length > 0);
      }
    }
  }

  // Templates: the most frequent first; failing ones are in the evidence already.
  input.templates.forEach((t, rank) => {
    parts.push({
      priority: rank < 10 ? 2 : 8,
      section: 'templates',
      order: rank,
      text: `${t.count}x ${clip(redactSecrets(oneLine(t.template)), LINE_CHARS)}`,
    });
  });
  return parts;
}

/** Records by position, to read the neighbours of an evidence line. */
class RecordIndex {
  readonly #byIndex = new Map<number, RecordSignal>();
  /** Sorted by first line. */
  readonly #ordered: RecordSignal[];

  constructor(signals: readonly RecordSignal[]) {
    for (const s of signals) {
      if (!this.#byIndex.has(s.record.index)) this.#byIndex.set(s.record.index, s);
    }
    this.#ordered = [...this.#byIndex.values()].sort((a, b) => a.record.line - b.record.line);
  }

  at(index: number): RecordSignal | undefined {
    return this.#byIndex.get(index);
  }

  /** Index of the record spanning a 1-based line, if it was kept. */
  indexOfLine(line: number): number | undefined {
    let lo = 0;
    let hi = this.#ordered.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = (this.#ordered[mid] as RecordSignal).record;
      if (line < r.line) hi = mid - 1;
      else if (line >= r.line + Math.max(1, r.lineCount)) lo = mid + 1;
      else return r.index;
    }
    return undefined;
  }
}

function byWeight(evidence: readonly Evidence[]): Evidence[] {
  return [...evidence].sort((a, b) => b.weight - a.weight || a.line - b.line);
}

function oneLine(text: string): string {
  // A multi-line record (a stack trace) shows its first lines, joined.
  return text.split('\n', 3).join(' | ').replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
