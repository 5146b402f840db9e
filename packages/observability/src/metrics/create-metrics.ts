import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface MetricsOptions {
  /** Also collect prom-client's default process metrics (CPU, memory, event loop, GC). */
  collectDefault?: boolean;
  /**
   * Prefix for the default process metrics only. The agent's own metric names
   * are a fixed contract (dashboards and alerts use them), so they never change.
   */
  prefix?: string;
}

export type HttpLabel = 'method' | 'route' | 'status';

export interface Metrics {
  /** This instance's own registry: not the global one, so two apps or tests in a process never collide. */
  readonly registry: Registry;
  readonly httpRequestsTotal: Counter<HttpLabel>;
  readonly httpRequestDurationSeconds: Histogram<HttpLabel>;
  readonly processLogTotal: Counter<'category' | 'mode' | 'strategy'>;
  readonly reasoningCycles: Histogram<never>;
  readonly reasoningScore: Histogram<never>;
  readonly actionsTotal: Counter<'plugin' | 'decision' | 'status'>;
  readonly policyDecisionsTotal: Counter<'engine' | 'decision'>;
  readonly llmRequestsTotal: Counter<'outcome'>;
  readonly llmTokensTotal: Counter<'direction'>;
  readonly llmRequestDurationSeconds: Histogram<never>;
  readonly rateLimitedTotal: Counter<never>;
  /** The Prometheus text exposition, ready to send as a response. */
  render(): Promise<{ contentType: string; body: string }>;
}

// Request latencies of an API whose slow path (LLM reasoning) takes seconds.
const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// The reasoning loop runs at most MAX_REASONING_CYCLES (1..10) cycles.
const CYCLE_BUCKETS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
// Scores are in [0, 1]; written out rather than computed to avoid 0.30000000000000004 in `le`.
const SCORE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const LLM_DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

// prom-client default metrics that are gauges despite their `_total` suffix.
const NON_COUNTER_TOTALS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const { collectDefault = false, prefix = '' } = options;
  if (typeof prefix !== 'string' || (prefix !== '' && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix))) {
    throw new TypeError(
      `createMetrics: prefix must be a valid Prometheus metric name prefix, got "${String(prefix)}"`,
    );
  }

  const registry = new Registry();
  const registers = [registry];
  if (collectDefault) {
    collectDefaultMetrics({ register: registry, prefix });
    // `promtool check metrics` (run in CI) rejects gauges named `_total`. The
    // same counts stay available, split by type, in the gauges without it.
    for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(`${prefix}${name}`);
  }

  const metrics: Metrics = {
    registry,
    httpRequestsTotal: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    httpRequestDurationSeconds: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to produce an HTTP response, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: HTTP_DURATION_BUCKETS,
      registers,
    }),
    processLogTotal: new Counter({
      name: 'agent_process_log_total',
      help: 'Logs analysed, by incident category, mode and reasoning strategy.',
      labelNames: ['category', 'mode', 'strategy'] as const,
      registers,
    }),
    reasoningCycles: new Histogram({
      name: 'agent_reasoning_cycles',
      help: 'Reasoning cycles run per analysed log.',
      buckets: CYCLE_BUCKETS,
      registers,
    }),
    reasoningScore: new Histogram({
      name: 'agent_reasoning_score',
      help: 'Final reasoning score (0 to 1) per analysed log.',
      buckets: SCORE_BUCKETS,
      registers,
    }),
    actionsTotal: new Counter({
      name: 'agent_actions_total',
      help: 'Remediation actions, by plugin, policy decision and resulting status.',
      labelNames: ['plugin', 'decision', 'status'] as const,
      registers,
    }),
    policyDecisionsTotal: new Counter({
      name: 'agent_policy_decisions_total',
      help: 'Policy decisions, by policy engine and decision.',
      labelNames: ['engine', 'decision'] as const,
      registers,
    }),
    llmRequestsTotal: new Counter({
      name: 'agent_llm_requests_total',
      help: 'Requests to the LLM, by outcome.',
      labelNames: ['outcome'] as const,
      registers,
    }),
    llmTokensTotal: new Counter({
      name: 'agent_llm_tokens_total',
      help: 'LLM tokens used, by direction (prompt or completion).',
      labelNames: ['direction'] as const,
      registers,
    }),
    llmRequestDurationSeconds: new Histogram({
      name: 'agent_llm_request_duration_seconds',
      help: 'Duration of requests to the LLM.',
      buckets: LLM_DURATION_BUCKETS,
      registers,
    }),
    rateLimitedTotal: new Counter({
      name: 'agent_rate_limited_total',
      help: 'Requests refused by the rate limiter.',
      registers,
    }),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
  return metrics;
}
