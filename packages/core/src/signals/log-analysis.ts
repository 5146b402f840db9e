import type { Category } from '../domain/categories.js';
import { type Evidence, SEVERITIES, type Severity, type TemplateCount } from '../domain/types.js';
import type { LogRecord } from '../ingest/log-record.js';
import type { TemplateMiner } from '../mining/template-miner.js';
import { type Hypothesis, HypothesisBuilder } from '../reasoning/hypotheses.js';
import { contentHash } from '../util/hash.js';
import {
  detectSignal,
  markTransient,
  RETRY_WINDOW,
  type RecordSignal,
  reportsSuccess,
} from './detect-signals.js';
import { type Entities, EntityCollector } from './extract-entities.js';
import { EvidenceCollector } from './select-evidence.js';
import { SIGNATURES, type Signature } from './signature-catalog.js';
import { type CatalogIndex, indexCatalog } from './signature-index.js';

export const MAX_TEMPLATES = 50;
/** Records kept whole for the reasoning loop; beyond, one shared signal stands for each kind. */
const KEPT_SIGNALS = 20_000;
/** The same exit, this many times: something keeps restarting it. */
const REPEATED_EXITS = 3;
// A process or container that exits with a failure status.
const EXITED =
  /\b(?:exited with (?:code|status) [1-9]\d{0,2}\b|exit(?:ed)? (?:status|code)[ =:]{1,3}[1-9]\d{0,2}\b|Main process exited, code=(?:exited|killed|dumped)|terminated with exit code [1-9]|process exited with code [1-9])/i;
/** Records read for entities whatever they say; after them, failing records only. */
const ENTITY_RECORDS = 1000;
/** Retried failures waiting for a success that would make them transient. */
const MAX_PENDING_RETRIES = 10_000;

export interface LogAnalysisOptions {
  catalog?: readonly Signature[];
  /** Records whose signals are kept whole (default 20,000). */
  keptSignals?: number;
  /** Retried failures held back waiting for a success (default 10,000). */
  maxPendingRetries?: number;
}

/** What the analysis of a whole log found, ready for the reasoning loop and the result. */
export interface LogAnalysisSummary {
  /** Records read. */
  records: number;
  /**
   * One signal per record, in no particular order. Beyond the first records,
   * records of the same kind (healthy, or failing with the same categories)
   * share one representative signal, so memory stays bounded.
   */
  signals: readonly RecordSignal[];
  /** Root cause first (see HypothesisBuilder.build). */
  hypotheses: Hypothesis[];
  /** The most frequent templates of this log, most frequent first. */
  templates: TemplateCount[];
  evidence(category: Category): Evidence[];
  severity(category: Category): Severity;
  /** Stable digest of what makes this failure recognisable (category + failing templates). */
  signature(category: Category): string;
  entities: EntityCollector;
}

/**
 * The mine and signal stages over a log, one record at a time, in memory
 * bounded by the number of templates and categories rather than the size of
 * the log. Both the whole-text and the streaming path of the agent use it,
 * so they reach the same diagnosis.
 */
export class LogAnalysis {
  readonly #miner: TemplateMiner;
  readonly #index: CatalogIndex;
  readonly #hypotheses = new HypothesisBuilder();
  readonly #evidence = new EvidenceCollector();
  readonly #entities = new EntityCollector();
  readonly #signals: RecordSignal[] = [];
  readonly #representatives = new Map<string, RecordSignal>();
  readonly #templateCounts = new Map<string, number>();
  readonly #failingTemplates = new Set<string>();
  #pending: { signal: RecordSignal; templateId: string }[] = [];
  readonly #exits = new Map<string, { count: number; first: RecordSignal; offset: number }>();
  #worst = SEVERITIES.length - 1;
  #records = 0;

  readonly #keptSignals: number;
  readonly #maxPending: number;

  constructor(miner: TemplateMiner, options: LogAnalysisOptions = {}) {
    this.#miner = miner;
    this.#index = indexCatalog(options.catalog ?? SIGNATURES);
    this.#keptSignals = options.keptSignals ?? KEPT_SIGNALS;
    this.#maxPending = options.maxPendingRetries ?? MAX_PENDING_RETRIES;
  }

  get records(): number {
    return this.#records;
  }

  add(record: LogRecord): void {
    this.#records++;
    const templateId = this.#miner.addId(record.message);
    this.#templateCounts.set(templateId, (this.#templateCounts.get(templateId) ?? 0) + 1);
    // Read lower-cased by the cues and the entities alike: made once.
    const lower = record.text.toLowerCase();
    const signal = detectSignal(record, this.#index, lower);
    // A success long after a retried failure says nothing about it.
    while (
      this.#pending.length > 0 &&
      record.index - (this.#pending[0]?.signal.record.index ?? 0) > RETRY_WINDOW
    ) {
      const expired = this.#pending.shift();
      if (expired) this.#commit(expired.signal, expired.templateId);
    }
    // Entities come from the start of the log and from its failures.
    if (signal.failing || this.#records <= ENTITY_RECORDS) this.#entities.add(record, lower);
    if (signal.retrying) {
      // A retried failure counts only if no success follows it.
      if (signal.succeeded) markTransient(signal);
      else {
        this.#pending.push({ signal, templateId });
        if (this.#pending.length > this.#maxPending) {
          const oldest = this.#pending.shift();
          if (oldest) this.#commit(oldest.signal, oldest.templateId);
        }
        return;
      }
    } else if (this.#pending.length > 0 && reportsSuccess(signal)) {
      for (const p of this.#pending) {
        markTransient(p.signal);
        this.#commit(p.signal, p.templateId);
      }
      this.#pending = [];
    }
    this.#commit(signal, templateId);
  }

  #commit(signal: RecordSignal, templateId: string): void {
    if (signal.failing) this.#noteExit(signal, templateId);
    this.#hypotheses.add(signal);
    this.#evidence.add(signal, templateId);
    this.#worst = Math.min(this.#worst, SEVERITIES.indexOf(signal.severity));
    if (signal.failing) this.#failingTemplates.add(templateId);
    if (this.#signals.length < this.#keptSignals) {
      this.#signals.push(signal);
      return;
    }
    const kind = signal.failing
      ? `failing:${[...new Set(signal.matches.map((m) => m.category))].sort().join(',')}`
      : 'healthy';
    let representative = this.#representatives.get(kind);
    if (!representative) {
      representative = signal;
      this.#representatives.set(kind, signal);
    }
    this.#signals.push(representative);
  }

  /** Exits of one kind that repeat: a restart loop, even where no platform names it. */
  #noteExit(signal: RecordSignal, templateId: string): void {
    const exit = EXITED.exec(signal.record.text);
    if (!exit) return;
    const seen = this.#exits.get(templateId);
    if (seen) seen.count++;
    else this.#exits.set(templateId, { count: 1, first: signal, offset: exit.index });
  }

  finish(): LogAnalysisSummary {
    for (const p of this.#pending) this.#commit(p.signal, p.templateId);
    this.#pending = [];
    for (const [templateId, exit] of this.#exits) {
      if (exit.count < REPEATED_EXITS) continue;
      const loop: RecordSignal = {
        ...exit.first,
        matches: [
          {
            signatureId: 'crashloop.repeated-exit',
            category: 'crash_loop',
            weight: 0.6,
            offset: exit.offset,
          },
        ],
      };
      this.#hypotheses.add(loop);
      this.#evidence.add(loop, templateId);
    }
    this.#exits.clear();
    const worst = SEVERITIES[this.#worst] ?? 'medium';
    // Ids as they stand after this log: groups it merged count as the group
    // they joined, so the same log has the same signature on a second look
    // (deduplication and learned patterns match on it).
    const failing = [...new Set([...this.#failingTemplates].map((id) => this.#current(id)))]
      .sort()
      .join(',');
    return {
      records: this.#records,
      signals: this.#signals,
      hypotheses: this.#hypotheses.build(),
      templates: this.#templates(),
      evidence: (category) => this.#evidence.select(category),
      severity: (category) => (category === 'none' ? 'info' : worst),
      signature: (category) => contentHash(`${category}|${failing}`),
      entities: this.#entities,
    };
  }

  /** The id a group recorded during this log stands for now (itself, or the group it merged into). */
  #current(templateId: string): string {
    return this.#miner.resolve(templateId) ?? templateId;
  }

  #templates(): TemplateCount[] {
    // Ids the miner has since merged show the same template: count them as one.
    const byTemplate = new Map<string, TemplateCount & { top: number }>();
    for (const [recorded, count] of this.#templateCounts) {
      const templateId = this.#current(recorded);
      const template = this.#miner.template(templateId) ?? '';
      const seen = byTemplate.get(template);
      if (!seen) byTemplate.set(template, { templateId, template, count, top: count });
      else {
        seen.count += count;
        if (count > seen.top) {
          seen.top = count;
          seen.templateId = templateId;
        }
      }
    }
    return [...byTemplate.values()]
      .map(({ templateId, template, count }) => ({ templateId, template, count }))
      .sort((a, b) => b.count - a.count || a.template.localeCompare(b.template))
      .slice(0, MAX_TEMPLATES);
  }
}

export type { Entities };
