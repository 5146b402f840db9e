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
  /** Bounded label for traces, metrics and the answer cache: `openai`, `generic`, ... */
  readonly name: string;
  /** The model asked for when a request names none (null: the server decides). */
  readonly defaultModel?: string | null | undefined;
  /**
   * Estimated tokens the client adds around the request's fields (its
   * instructions, the JSON envelope), so the agent keeps the whole prompt
   * within its budget.
   */
  readonly promptOverheadTokens?: number | undefined;
  /**
   * Rejects with an `LlmError` when there is no usable answer. Must stop
   * (reject) promptly once `signal` aborts: the agent's time cap for the
   * whole LLM step, retries included.
   */
  analyze(request: LlmRequest, signal: AbortSignal): Promise<LlmAnswer>;
}

/** Why an LLM gave no usable answer; bounded, so it can label metrics. */
export const LLM_FAILURES = [
  /** The time cap ran out (retries included). */
  'timeout',
  /** Throttled (429) beyond what the time cap allowed to wait for. */
  'rate_limited',
  /** Server errors (5xx) or a connection that failed, after the retries. */
  'unavailable',
  /** The circuit breaker is open: nothing was sent. */
  'circuit_open',
  /** The server refused the request (4xx other than 429). */
  'rejected',
  /** An answer arrived but was not valid JSON or did not match the schema. */
  'invalid_answer',
] as const;
export type LlmFailure = (typeof LLM_FAILURES)[number];

/** What an `LlmClient` rejects with. Its message never holds the prompt, the key or the answer text. */
export class LlmError extends Error {
  readonly kind: LlmFailure;
  constructor(kind: LlmFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LlmError';
    this.kind = kind;
  }
}
