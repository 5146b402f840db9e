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
}

/**
 * Hypothesize -> evaluate -> reflect. The first pass is cycle 1; the loop
 * stops as soon as the score reaches the target, otherwise it runs exactly
 * `maxCycles` cycles. `classic` is always one pass.
 */
export function runReasoning(input: ReasoningInput, options: ReasoningOptions): ReasoningOutcome {
  const trace: TraceStep[] = [];
  const record = (step: TraceStep) => {
    trace.push(step);
    options.onTrace?.(step);
  };
  const failing = input.signals.filter((s) => s.failing);
  record({
    cycle: 1,
    phase: 'observe',
    message: `${input.signals.length} records, ${failing.length} report a failure, ${input.hypotheses.length} candidate categories`,
  });

  const maxCycles = options.strategy === 'classic' ? 1 : Math.max(1, options.maxCycles);
  let leader = input.hypotheses[0] ?? null;
  let category: Category = leader ? leader.category : failing.length > 0 ? 'unknown' : 'none';
  let score = evaluate(leader, input, false);
  record({
    cycle: 1,
    phase: 'hypothesize',
    message: leader
      ? `leading hypothesis ${leader.category} (strength ${leader.strength.toFixed(2)}, first at record ${leader.firstIndex + 1})`
      : `no catalogued failure cue; ${category === 'none' ? 'the log looks healthy' : 'errors match no category'}`,
  });
  record({ cycle: 1, phase: 'evaluate', message: `score ${score.toFixed(2)}`, score });

  let cycle = 1;
  while (score < options.target && cycle < maxCycles) {
    cycle++;
    const reflection = reflect(leader, input, cycle);
    leader = reflection.leader;
    if (leader) category = leader.category;
    for (const note of reflection.notes) record({ cycle, phase: 'reflect', message: note });
    score = evaluate(leader, input, true);
    record({ cycle, phase: 'evaluate', message: `score ${score.toFixed(2)}`, score });
  }

  const confidence = round(score);
  record({
    cycle,
    phase: 'decide',
    message: `${category} with confidence ${confidence.toFixed(2)} after ${cycle} cycle${cycle === 1 ? '' : 's'}`,
    score: confidence,
  });
  return { category, confidence, score: confidence, cycles: cycle, trace, leader };
}

function reflect(
  leader: Hypothesis | null,
  input: ReasoningInput,
  cycle: number,
): { leader: Hypothesis | null; notes: string[] } {
  const notes: string[] = [];
  if (!leader) {
    notes.push('nothing to reconsider: no hypothesis was formed');
    return { leader, notes };
  }
  // Root-cause ordering: an earlier failure that explains the leader is the cause.
  let current = leader;
  for (const candidate of input.hypotheses) {
    if (candidate === current) continue;
    if (
      candidate.firstIndex <= current.firstIndex &&
      explains(candidate.category, current.category)
    ) {
      notes.push(
        `${candidate.category} appears first and explains ${current.category}: taking it as the root cause`,
      );
      current = candidate;
    }
  }
  // Contradicting evidence: crash_loop is only the answer when nothing deeper shows.
  if (current.category === 'crash_loop') {
    const deeper = input.hypotheses.find((h) => explains(h.category, 'crash_loop'));
    if (deeper) {
      notes.push(`crash_loop is a symptom here: ${deeper.category} explains the restarts`);
      current = deeper;
    }
  }
  if (current === leader) notes.push(`ordering checked: ${leader.category} stays the root cause`);
  const agreeing = input.similar.filter((s) => s.category === current.category).length;
  if (input.similar.length > 0) {
    notes.push(
      `recall: ${agreeing} of ${input.similar.length} similar past incidents were ${current.category}`,
    );
  }
  if (cycle > 2) notes.push('widened the context around the evidence: no further cause found');
  return { leader: current, notes };
}

/** How well the leading hypothesis accounts for the log, 0..1. */
function evaluate(leader: Hypothesis | null, input: ReasoningInput, reflective: boolean): number {
  const failing = input.signals.filter((s) => s.failing);
  if (!leader) return failing.length === 0 ? 0.9 : 0.4;
  const rivals = input.hypotheses.filter(
    (h) => h !== leader && !explains(leader.category, h.category),
  );
  const runnerUp = rivals.reduce((max, h) => Math.max(max, h.strength), 0);
  // Two close, unrelated hypotheses mean we are less sure.
  const closeness = leader.strength > 0 ? Math.min(1, runnerUp / leader.strength) : 1;
  let score = leader.strength * (1 - 0.35 * closeness);
  if (reflective) {
    const explained = failing.filter((s) =>
      s.matches.every(
        (m) => m.category === leader.category || explains(leader.category, m.category),
      ),
    ).length;
    const coverage = failing.length > 0 ? explained / failing.length : 1;
    score *= 0.85 + 0.15 * coverage;
    const agreeing = input.similar.filter((s) => s.category === leader.category).length;
    if (agreeing > 0) score = Math.min(1, score + 0.05 * Math.min(agreeing, 3));
  }
  return Math.max(0, Math.min(1, score));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
