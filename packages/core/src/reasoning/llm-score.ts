import type { Category } from '../domain/categories.js';
import type { LlmAnswer } from '../ports/llm-client.js';
import { explains, type Hypothesis } from './hypotheses.js';

/** Highest confidence an LLM's own say-so counts for. */
const MAX_CLAIMED = 0.9;
/** Highest score of a category the log shows no cue of: below the usual target, so policy stays wary. */
const UNSUPPORTED_CAP = 0.6;
/** The highest score any diagnosis can reach (as in the reasoning loop). */
const MAX_SCORE = 0.99;

export interface LlmHypothesisScore {
  score: number;
  /** One line for the trace: what the score rests on. */
  basis: string;
}

/**
 * Scores an LLM's answer as one more hypothesis, on the same evidence the
 * reasoning loop weighs: a category the log has cues for is scored half on
 * that evidence (its specificity and amount, lowered when another present
 * failure explains it, so a symptom does not pass for the cause) and half on
 * the model's own confidence; a category the log shows no cue of rests on the
 * model's word alone and stays below `UNSUPPORTED_CAP`. Saying `none` while
 * records fail, or `unknown`, never beats evidence.
 */
export function scoreLlmAnswer(
  answer: LlmAnswer,
  hypotheses: readonly Hypothesis[],
  failingRecords: number,
): LlmHypothesisScore {
  const claimed = clamp(answer.confidence, 0, MAX_CLAIMED);
  const category: Category = answer.category;
  if (category === 'none') {
    return failingRecords > 0
      ? { score: round(claimed * 0.3), basis: `contradicted: ${failingRecords} records fail` }
      : { score: round(claimed * 0.9), basis: 'no record fails' };
  }
  if (category === 'unknown') {
    return { score: round(Math.min(claimed, 0.5)), basis: 'names no category' };
  }
  const own = hypotheses.find((h) => h.category === category);
  if (!own) {
    return {
      score: round(Math.min(UNSUPPORTED_CAP, claimed * (failingRecords > 0 ? 0.65 : 0.3))),
      basis: `no cue of ${category} in the log: the model's word alone`,
    };
  }
  let evidence = 0.6 * own.maxWeight + 0.4 * own.strength;
  const causes = hypotheses.filter((h) => h !== own && explains(h.category, category));
  if (causes.length > 0) evidence *= 0.8;
  const score = Math.min(MAX_SCORE, 0.5 * evidence + 0.5 * claimed);
  return {
    score: round(score),
    basis: `${own.count} record${own.count === 1 ? '' : 's'} show ${category} (best cue ${own.maxWeight.toFixed(2)})${causes.length > 0 ? `; explained by ${causes.map((c) => c.category).join(', ')}` : ''}`,
  };
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.max(min, Math.min(max, n)) : min;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
