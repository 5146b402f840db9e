import type { ActionRecord } from '../domain/actions.js';
import type { AnalysisResult, Decision } from '../domain/types.js';

/** How the pipeline reports what it does; adapters map this to spans and metrics. */
export interface Telemetry {
  /** Runs one pipeline stage, e.g. inside a span named `agent.<stage>`. */
  stage<T>(name: string, run: () => Promise<T>): Promise<T>;
  /** Called once per processed log with the final result. */
  processed(result: AnalysisResult): void;
  /**
   * Called once per processed log that had an LLM configured: whether it was
   * asked, and how it went. The client itself reports each call it makes
   * (tokens, latency, outcome); this adds what only the agent sees, such as
   * answers served from the cache.
   */
  llmStep?(report: LlmStepReport): void;
  /** Called for every policy decision (planning and approvals), with the engine's name. */
  policyDecided?(engine: string, decision: Decision): void;
  /** Called when an action changes after its request answered (approved, rejected, expired). */
  actionUpdated?(action: ActionRecord): void;
}

export interface LlmStepReport {
  /** `not_asked`: the heuristic result was good enough (or the prompt budget too small). */
  outcome: 'not_asked' | 'cache_hit' | 'answered' | 'failed';
  /** The LLM's hypothesis became the diagnosis. */
  adopted: boolean;
}

export const noopTelemetry: Telemetry = {
  stage: (_name, run) => run(),
  processed: () => {},
};
