import type { LlmCallObserver } from '@agent/adapters';
import { injectTraceHeaders, type Metrics, type Tracer, withSpan } from '@agent/observability';

/**
 * Maps the LLM client's calls to observability: a span per call (`llm.analyze`,
 * with provider, model, outcome, attempts and tokens, never text), the trace
 * context on every outgoing attempt, and the metrics: requests by outcome,
 * tokens by direction, and the duration of calls that reached the server.
 */
export function createLlmObserver(metrics: Metrics, tracer: Tracer | null): LlmCallObserver {
  return {
    call(info, run) {
      if (!tracer) return run(() => {});
      return withSpan(
        tracer,
        'llm.analyze',
        { 'llm.provider': info.provider, 'llm.model': info.model ?? '' },
        (span) => run((attributes) => span.setAttributes(attributes)),
      );
    },
    // Tracing off: no hook, as for the other adapters (createGovernance gets none).
    ...(tracer ? { headers: () => injectTraceHeaders({}) } : {}),
    finished(report) {
      metrics.llmRequestsTotal.inc({ outcome: report.outcome });
      if (report.attempts === 0) return; // the circuit was open: nothing was sent
      metrics.llmRequestDurationSeconds.observe(report.durationMs / 1000);
      // Tokens are spent when the server produced a completion, usable or not.
      if (report.outcome === 'ok' || report.outcome === 'invalid_answer') {
        metrics.llmTokensTotal.inc({ direction: 'prompt' }, report.promptTokens);
        metrics.llmTokensTotal.inc({ direction: 'completion' }, report.completionTokens);
      }
    },
  };
}
