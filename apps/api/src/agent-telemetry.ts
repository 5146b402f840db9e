import type { ActionRecord, AnalysisResult, Decision, Telemetry } from '@agent/core';
import { type Metrics, type Tracer, withSpan } from '@agent/observability';

/** Maps the agent's pipeline stages to spans and its results to metrics. */
export function createAgentTelemetry(metrics: Metrics, tracer: Tracer | null): Telemetry {
  return {
    stage<T>(name: string, run: () => Promise<T>): Promise<T> {
      return tracer ? withSpan(tracer, `agent.${name}`, undefined, () => run()) : run();
    },
    processed(result: AnalysisResult) {
      metrics.processLogTotal.inc({
        category: result.category,
        mode: result.mode,
        strategy: result.reasoning.strategy,
      });
      metrics.reasoningCycles.observe(result.reasoning.cycles);
      metrics.reasoningScore.observe(result.reasoning.score);
      for (const action of result.actions) {
        metrics.actionsTotal.inc({
          plugin: action.plugin,
          decision: action.decision,
          status: action.status,
        });
      }
    },
    policyDecided(engine: string, decision: Decision) {
      metrics.policyDecisionsTotal.inc({ engine, decision });
    },
    actionUpdated(action: ActionRecord) {
      // Approvals, rejections and expiries change actions after their request.
      metrics.actionsTotal.inc({
        plugin: action.plugin,
        decision: action.decision,
        status: action.status,
      });
    },
    llmStep(report) {
      // The client counts the calls it makes; an answer from the cache costs none.
      if (report.outcome === 'cache_hit') metrics.llmRequestsTotal.inc({ outcome: 'cache_hit' });
    },
  };
}
