import type { Category } from '../domain/categories.js';
import type { IncidentContext } from '../domain/types.js';

export interface LlmRequest {
  /** The compact, redacted view of the log (templates, evidence with context). */
  log: string;
  context: IncidentContext;
  hypotheses: { category: Category; confidence: number }[];
  categories: readonly Category[];
  model?: string | undefined;
  temperature?: number | undefined;
}

export interface LlmAnswer {
  category: Category;
  confidence: number;
  rootCause: string;
  summary: string;
  remediation: string[];
}

/** An optional language model that proposes a hypothesis; its answer is scored like any other. */
export interface LlmClient {
  readonly name: string;
  analyze(request: LlmRequest, signal: AbortSignal): Promise<LlmAnswer>;
}
