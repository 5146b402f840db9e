import type { Category } from '../domain/categories.js';
import type { SimilarIncident, Strategy, TraceStep } from '../domain/types.js';
import type { RecordSignal } from '../signals/detect-signals.js';
import { explains, type Hypothesis } from './hypotheses.js';

export interface ReasoningOptions {
  strategy: Strategy;
  maxCycles: number;
  target: number;
  onTrace?: ((step: TraceStep) => void) | undefined;
}

export interface ReasoningInput {
  signals: readonly RecordSignal[];
  /** Root cause first, as the hypothesis builder ranks them (see HypothesisBuilder.build). */
  hypotheses: readonly Hypothesis[];
  similar: readonly SimilarIncident[];
}

export interface ReasoningOutcome {
  category: Category;
  confidence: number;
  score: number;
  cycles: number;
  trace: TraceStep[];
  leader: Hypothesis | null;
  /** The category came from recalled knowledge (past incidents) rather than this log's evidence. */
  learned: boolean;
}

/** Below this strength a cause is a hint: it may explain what follows, not claim it (as the builder rules). */
const SPECIFIC = 0.55;
/** Two unrelated hypotheses whose best cues differ by less than this are "close". */
const CLOSE = 0.1;
/** The highest score a diagnosis can reach. */
const MAX_SCORE = 0.99;
/** Support records of the leader whose neighbourhood reflection reads. */
const WIDEN_ANCHORS = 8;

/** What reflection has learnt so far; evaluation reads it. */
interface Findings {
  /** Multiplier from the records around the evidence (corroborating or not). */
  context: number;
  /** Multiplier from recalled incidents (agreeing or not). */
  recall: number;
}

/**
 * Hypothesize -> evaluate -> reflect.
 *
 * Cycle 1 is the single pass a reader scanning from the top would make: the
 * first catalogued failure in the log is the hypothesis, and it is scored on
 * how well it accounts for the log (a hypothesis another present failure
 * explains, or one facing a more specific unrelated failure, scores low).
 * `classic` stops there. Each further cycle reflects: it checks the
 * root-cause ordering (the earliest failure that explains the others, over
 * the CAUSES table), looks for evidence that contradicts the leader, widens
 * the context read around the evidence (twice as far each cycle), consults
 * the similar past incidents, and lowers confidence when two unrelated
 * hypotheses are close. The loop stops as soon as the score reaches the
 * target, otherwise it runs exactly `maxCycles` cycles. Every trace step
 * carries the score after it.
 */
export function runReasoning(input: ReasoningInput, options: ReasoningOptions): ReasoningOutcome {
  const trace: TraceStep[] = [];
  const record = (cycle: number, phase: TraceStep['phase'], message: string, score: number) => {
    const step: TraceStep = { cycle, phase, message, score: round(score) };
    trace.push(step);
    options.onTrace?.(step);
  };
  const view = new LogView(input);
  record(
    1,
    'observe',
    `${view.records} records, ${view.failing.length} report a failure, ${input.hypotheses.length} candidate categor${input.hypotheses.length === 1 ? 'y' : 'ies'}${input.hypotheses.length > 0 ? ` (${input.hypotheses.map((h) => h.category).join(', ')})` : ''}`,
    0,
  );

  const maxCycles = options.strategy === 'classic' ? 1 : Math.max(1, Math.trunc(options.maxCycles));
  const findings: Findings = { context: 1, recall: 1 };
  let leader = firstPass(input.hypotheses);
  let learned = false;
  let score = evaluate(leader, view, findings);
  record(
    1,
    'hypothesize',
    leader
      ? `first failure in the log: ${leader.category} at record ${leader.firstIndex + 1} (best cue ${leader.maxWeight.toFixed(2)}, ${leader.count} record${leader.count === 1 ? '' : 's'})`
      : view.failing.length > 0
        ? `no catalogued failure cue; ${view.failing.length} failing record${view.failing.length === 1 ? '' : 's'} match no category`
        : 'no failure cue and no failing record: the log looks healthy',
    score,
  );
  record(1, 'evaluate', describeScore(leader, view, score), score);

  let cycle = 1;
  while (score < options.target && cycle < maxCycles) {
    cycle++;
    const reflection = reflect(leader, view, findings, cycle);
    leader = reflection.leader;
    learned ||= reflection.learned;
    for (const note of reflection.notes) {
      // Each note is scored as it stands after that check.
      record(cycle, 'reflect', note.message, evaluate(note.leader, view, note.findings));
    }
    score = evaluate(leader, view, findings);
    record(cycle, 'evaluate', describeScore(leader, view, score), score);
  }

  const category = categoryOf(leader, view);
  const confidence = round(score);
  record(
    cycle,
    'decide',
    `${category} with confidence ${confidence.toFixed(2)} after ${cycle} cycle${cycle === 1 ? '' : 's'}`,
    confidence,
  );
  return { category, confidence, score: confidence, cycles: cycle, trace, leader, learned };
}

/** The log as reflection reads it: failing records, and records by position. */
class LogView {
  readonly hypotheses: readonly Hypothesis[];
  readonly similar: readonly SimilarIncident[];
  readonly failing: readonly RecordSignal[];
  readonly records: number;
  readonly #byIndex = new Map<number, RecordSignal>();

  constructor(input: ReasoningInput) {
    this.hypotheses = input.hypotheses;
    this.similar = input.similar;
    this.failing = input.signals.filter((s) => s.failing);
    for (const s of input.signals) {
      // Past the kept records one signal stands for many: the first position wins.
      if (!this.#byIndex.has(s.record.index)) this.#byIndex.set(s.record.index, s);
    }
    this.records = this.#byIndex.size;
  }

  at(index: number): RecordSignal | undefined {
    return this.#byIndex.get(index);
  }
}

/** Cycle 1: the first catalogued failure, the most specific one when several start together. */
function firstPass(hypotheses: readonly Hypothesis[]): Hypothesis | null {
  let best: Hypothesis | null = null;
  for (const h of hypotheses) {
    if (
      !best ||
      h.firstIndex < best.firstIndex ||
      (h.firstIndex === best.firstIndex && h.maxWeight > best.maxWeight)
    ) {
      best = h;
    }
  }
  return best;
}

function categoryOf(leader: Hypothesis | null, view: LogView): Category {
  if (leader) return leader.category;
  return view.failing.length > 0 ? 'unknown' : 'none';
}

/** Present hypotheses that explain `h` with evidence specific enough to claim it. */
function causesOf(h: Hypothesis, view: LogView): Hypothesis[] {
  return view.hypotheses.filter(
    (g) =>
      g !== h &&
      explains(g.category, h.category) &&
      (h.category === 'crash_loop' || g.strength >= SPECIFIC || g.strength >= h.strength),
  );
}

/** Present hypotheses neither explained by `h` nor explaining it: rival root causes. */
function rivalsOf(h: Hypothesis, view: LogView): Hypothesis[] {
  return view.hypotheses.filter(
    (g) => g !== h && !explains(h.category, g.category) && !explains(g.category, h.category),
  );
}

/**
 * How well the leading hypothesis accounts for the log, 0..1: the
 * specificity and amount of its evidence, lowered when another present
 * failure explains it (it is then a symptom), when an unrelated failure has
 * evidence as specific (two close hypotheses), and by the share of failing
 * records it leaves unexplained; then what reflection found around the
 * evidence and in recalled incidents.
 */
function evaluate(leader: Hypothesis | null, view: LogView, findings: Findings): number {
  if (!leader) {
    if (view.failing.length === 0) return view.records >= 3 ? 0.9 : 0.8;
    // Errors that match no category: more of them make "unknown" surer.
    return 0.5 + 0.15 * Math.min(1, (view.failing.length - 1) / 3);
  }
  let score = 0.6 * leader.maxWeight + 0.4 * leader.strength;
  if (causesOf(leader, view).length > 0) score *= 0.6;
  const runnerUp = rivalsOf(leader, view).reduce((max, g) => Math.max(max, g.maxWeight), 0);
  const gap = leader.maxWeight - runnerUp;
  if (runnerUp > 0 && gap < CLOSE) {
    // From 0.9 (a gap just under CLOSE) down to 0.6 (a rival at least as specific).
    score *= 0.6 + 0.3 * Math.max(0, gap / CLOSE);
  }
  score *= 0.85 + 0.15 * coverage(leader, view);
  score *= findings.context * findings.recall;
  // Evidence in a log never makes a diagnosis certain.
  return Math.max(0, Math.min(MAX_SCORE, score));
}

/** Share of failing records the leader explains: all their cues are its own or its effects. */
function coverage(leader: Hypothesis, view: LogView): number {
  if (view.failing.length === 0) return 1;
  let explained = 0;
  for (const s of view.failing) {
    if (s.matches.length === 0) {
      explained += 0.5; // an uncatalogued error: neither for nor against
    } else if (
      s.matches.every(
        (m) => m.category === leader.category || explains(leader.category, m.category),
      )
    ) {
      explained++;
    }
  }
  return explained / view.failing.length;
}

function describeScore(leader: Hypothesis | null, view: LogView, score: number): string {
  if (!leader) return `score ${score.toFixed(2)}`;
  const parts = [`score ${score.toFixed(2)} for ${leader.category}`];
  const causes = causesOf(leader, view);
  if (causes.length > 0) parts.push(`explained by ${causes.map((c) => c.category).join(', ')}`);
  parts.push(`explains ${Math.round(coverage(leader, view) * 100)}% of the failing records`);
  return parts.join('; ');
}

interface Note {
  message: string;
  leader: Hypothesis | null;
  findings: Findings;
}

/** One reflection cycle: each check may move the leader or adjust the findings, and says what it did. */
function reflect(
  start: Hypothesis | null,
  view: LogView,
  findings: Findings,
  cycle: number,
): { leader: Hypothesis | null; notes: Note[]; learned: boolean } {
  let current: Hypothesis | null = start;
  let learned = false;
  const notes: Note[] = [];
  const note = (message: string) =>
    notes.push({ message, leader: current, findings: { ...findings } });

  if (!current) {
    const window = 2 ** (cycle - 2);
    note(
      view.failing.length > 0
        ? `widened the context (±${window} records) around ${view.failing.length} uncatalogued failure${view.failing.length === 1 ? '' : 's'}: no known cue`
        : 'nothing to reconsider: no failure was found',
    );
    return { leader: current, notes, learned };
  }
  let lead: Hypothesis = current;
  const move = (next: Hypothesis) => {
    lead = next;
    current = next;
  };

  // 1. Root-cause ordering: follow what explains the leader to the cause nothing explains.
  const visited = new Set<Hypothesis>([lead]);
  for (;;) {
    const causes = causesOf(lead, view).filter((c) => !visited.has(c));
    if (causes.length === 0) break;
    const root = view.hypotheses[0];
    const next =
      causes.find((c) => c === root) ??
      causes.sort((a, b) => a.firstIndex - b.firstIndex || b.maxWeight - a.maxWeight)[0]!;
    const where =
      next.firstIndex <= lead.firstIndex
        ? `appears ${next.firstIndex < lead.firstIndex ? 'before' : 'with'} it`
        : `its evidence is specific (${next.maxWeight.toFixed(2)})`;
    const from = lead;
    move(next);
    visited.add(next);
    note(
      `ordering: ${next.category} explains ${from.category} and ${where}: taking it as the cause`,
    );
  }
  if (lead === start) note(`ordering: nothing present explains ${lead.category}`);

  // 2. Contradicting evidence: an independent failure that outranks the leader
  // (the builder's root: nothing present claims it and its evidence is the
  // most specific), then any rival close enough to doubt the answer.
  const root = view.hypotheses[0];
  if (root && lead !== root && !explains(lead.category, root.category)) {
    const from = lead;
    move(root);
    note(
      `contradicting evidence: ${root.category} (cue ${root.maxWeight.toFixed(2)}) is ${explains(root.category, from.category) ? `a cause of ${from.category}` : `independent of ${from.category}`} (cue ${from.maxWeight.toFixed(2)}) and nothing explains it: taking it as the root cause`,
    );
  }
  const leaderNow = lead;
  const rival = rivalsOf(leaderNow, view).sort((a, b) => b.maxWeight - a.maxWeight)[0];
  if (rival && leaderNow.maxWeight - rival.maxWeight < CLOSE) {
    note(
      `contradicting evidence: ${rival.category} is unrelated and nearly as specific (${rival.maxWeight.toFixed(2)} vs ${leaderNow.maxWeight.toFixed(2)}): confidence lowered`,
    );
  } else {
    note(
      rival
        ? `contradicting evidence: ${rival.category} is unrelated but weaker (${rival.maxWeight.toFixed(2)} vs ${leaderNow.maxWeight.toFixed(2)})`
        : `contradicting evidence: none; every other failure is explained by ${leaderNow.category}`,
    );
  }

  // 3. Widen the context around the evidence, twice as far each cycle.
  const widened = widen(lead, view, 2 ** (cycle - 2));
  findings.context = widened.factor;
  note(widened.message);

  // 4. Recalled knowledge: how past incidents with this signature were classified.
  if (view.similar.length > 0) {
    const agreeing = view.similar.filter((s) => s.category === leaderNow.category);
    const byCategory = new Map<Category, number>();
    for (const s of view.similar) {
      if (s.category !== leaderNow.category && s.resolved !== false) {
        byCategory.set(s.category, (byCategory.get(s.category) ?? 0) + 1);
      }
    }
    const [otherCategory, otherCount] = [...byCategory].sort((a, b) => b[1] - a[1])[0] ?? [null, 0];
    const other = view.hypotheses.find((h) => h.category === otherCategory);
    if (other && otherCount >= 2 && otherCount > agreeing.length) {
      move(other);
      learned = true;
      findings.recall = 0.9;
      note(
        `recall: ${otherCount} of ${view.similar.length} similar past incidents were ${other.category}, which this log also shows: taking it (learned)`,
      );
    } else {
      findings.recall = agreeing.length > 0 ? 1 + 0.04 * Math.min(agreeing.length, 3) : 0.95;
      note(
        `recall: ${agreeing.length} of ${view.similar.length} similar past incident${view.similar.length === 1 ? '' : 's'} were ${leaderNow.category}`,
      );
    }
  } else {
    findings.recall = 1;
    note('recall: no similar past incident');
  }
  return { leader: lead, notes, learned };
}

/**
 * Reads the records around the leader's evidence (±window). Failing
 * neighbours it explains corroborate it; failing neighbours with cues it does
 * not explain, and cues of a failure that would explain it just before its
 * first evidence (hints too weak to be hypotheses), weaken it.
 */
function widen(
  leader: Hypothesis,
  view: LogView,
  window: number,
): { factor: number; message: string } {
  const seen = new Set<number>();
  let corroborating = 0;
  let unexplained = 0;
  const deeper = new Set<Category>();
  for (const anchor of leader.support.slice(0, WIDEN_ANCHORS)) {
    const at = anchor.record.index;
    for (let i = at - window; i <= at + window; i++) {
      if (i === at || seen.has(i)) continue;
      seen.add(i);
      const s = view.at(i);
      if (!s?.failing) continue;
      if (s.matches.length === 0) continue;
      const categories = new Set(s.matches.map((m) => m.category));
      if (categories.has(leader.category as never)) continue; // its own support
      for (const c of categories) {
        if (explains(leader.category, c)) corroborating++;
        else if (explains(c, leader.category) && i < leader.firstIndex) deeper.add(c);
        else unexplained++;
      }
    }
  }
  let factor = 1 + 0.03 * Math.min(corroborating, 3) - 0.04 * Math.min(unexplained, 3);
  if (deeper.size > 0) factor -= 0.1;
  factor = Math.max(0.75, Math.min(1.09, factor));
  const parts = [
    `widened the context to ±${window} record${window === 1 ? '' : 's'} around ${Math.min(leader.support.length, WIDEN_ANCHORS)} evidence record${leader.support.length === 1 ? '' : 's'}`,
  ];
  if (seen.size === 0) parts.push('no neighbouring record');
  else {
    parts.push(
      `${corroborating} neighbouring failure${corroborating === 1 ? '' : 's'} it explains`,
    );
    parts.push(`${unexplained} it does not`);
  }
  if (deeper.size > 0) {
    parts.push(`a weak cue of ${[...deeper].join(', ')} just before it could be a deeper cause`);
  }
  return { factor, message: parts.join('; ') };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
