import type { AnalysisResult } from '../domain/types.js';

/** How the pipeline reports what it does; adapters map this to spans and metrics. */
export interface Telemetry {
  /** Runs one pipeline stage, e.g. inside a span named `agent.<stage>`. */
  stage<T>(name: string, run: () => Promise<T>): Promise<T>;
  /** Called once per processed log with the final result. */
  processed(result: AnalysisResult): void;
}

export const noopTelemetry: Telemetry = {
  stage: (_name, run) => run(),
  processed: () => {},
};
