import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './create-metrics.js';

const AGENT_METRICS = [
  'http_requests_total',
  'http_request_duration_seconds',
  'agent_process_log_total',
  'agent_reasoning_cycles',
  'agent_reasoning_score',
  'agent_actions_total',
  'agent_policy_decisions_total',
  'agent_llm_requests_total',
  'agent_llm_tokens_total',
  'agent_llm_request_duration_seconds',
  'agent_rate_limited_total',
];

describe('createMetrics', () => {
  it('renders every metric with HELP and TYPE in Prometheus text format', async () => {
    const metrics = createMetrics();
    const { contentType, body } = await metrics.render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of AGENT_METRICS) {
      expect(body).toContain(`# HELP ${name} `);
      expect(body).toContain(`# TYPE ${name} `);
    }
    expect(body).not.toContain('process_cpu_seconds_total');
  });

  it('records through typed instruments', async () => {
    const metrics = createMetrics();
    metrics.processLogTotal.inc({ category: 'oom', mode: 'safe', strategy: 'reflective' });
    metrics.reasoningCycles.observe(3);
    metrics.reasoningScore.observe(0.82);
    metrics.actionsTotal.inc({ plugin: 'k8s', decision: 'allowed', status: 'dry_run' });
    metrics.policyDecisionsTotal.inc({ engine: 'builtin', decision: 'allowed' });
    metrics.llmRequestsTotal.inc({ outcome: 'success' });
    metrics.llmTokensTotal.inc({ direction: 'prompt' }, 120);
    metrics.llmRequestDurationSeconds.observe(1.5);
    metrics.rateLimitedTotal.inc();
    const { body } = await metrics.render();
    expect(body).toContain(
      'agent_process_log_total{category="oom",mode="safe",strategy="reflective"} 1',
    );
    expect(body).toContain('agent_reasoning_cycles_bucket{le="3"} 1');
    expect(body).toContain('agent_reasoning_cycles_bucket{le="2"} 0');
    expect(body).toContain('agent_reasoning_score_bucket{le="0.9"} 1');
    expect(body).toContain('agent_reasoning_score_bucket{le="0.8"} 0');
    expect(body).toContain('agent_llm_tokens_total{direction="prompt"} 120');
    expect(body).toContain('agent_rate_limited_total 1');
  });

  it('keeps each instance in its own registry', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.rateLimitedTotal.inc();
    expect((await a.render()).body).toContain('agent_rate_limited_total 1');
    expect((await b.render()).body).toContain('agent_rate_limited_total 0');
  });

  it('adds default process metrics, prefixed, when asked', async () => {
    const { body } = await createMetrics({
      collectDefault: true,
      prefix: 'devops_agent_',
    }).render();
    expect(body).toContain('devops_agent_process_cpu_seconds_total');
    expect(body).toContain('devops_agent_nodejs_heap_size_total_bytes');
    expect(body).toContain('# TYPE http_requests_total counter');
  });

  it('leaves out default gauges named _total, which promtool rejects', async () => {
    const { body } = await createMetrics({ collectDefault: true }).render();
    expect(body).toContain('nodejs_active_handles{');
    expect(body).not.toContain('nodejs_active_handles_total');
    expect(body).not.toContain('nodejs_active_requests_total');
    expect(body).not.toContain('nodejs_active_resources_total');
  });

  // CI installs promtool (Debian package `prometheus`); elsewhere this is skipped.
  const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
  it.skipIf(!hasPromtool)(
    'passes `promtool check metrics` with every instrument used',
    async () => {
      const metrics = createMetrics({ collectDefault: true });
      const http = { method: 'GET', route: '/api/incidents/:id', status: '200' };
      metrics.httpRequestsTotal.inc(http);
      metrics.httpRequestDurationSeconds.observe(http, 0.012);
      metrics.processLogTotal.inc({ category: 'oom', mode: 'safe', strategy: 'reflective' });
      metrics.reasoningCycles.observe(2);
      metrics.reasoningScore.observe(0.7);
      metrics.actionsTotal.inc({ plugin: 'k8s', decision: 'allowed', status: 'dry_run' });
      metrics.policyDecisionsTotal.inc({ engine: 'builtin', decision: 'allowed' });
      metrics.llmRequestsTotal.inc({ outcome: 'success' });
      metrics.llmTokensTotal.inc({ direction: 'completion' }, 42);
      metrics.llmRequestDurationSeconds.observe(1.2);
      metrics.rateLimitedTotal.inc();
      const check = spawnSync('promtool', ['check', 'metrics'], {
        input: (await metrics.render()).body,
      });
      expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({
        status: 0,
        output: '',
      });
    },
  );

  it('rejects a prefix that is not a metric name', () => {
    expect(() => createMetrics({ prefix: 'bad prefix' })).toThrow(/prefix/);
  });
});
