// The metrics the observability issue names, read from GET /api/metrics after
// real traffic: each has its type and exactly the labels the issue lists.
// Policy is an OPA protocol double, notify a Slack-compatible double and the
// LLM an OpenAI-compatible double (loopback servers, not the real services).
import {
  chatCompletion,
  DOUBLE_ANSWER,
  type LoopbackServer,
  openAiProtocolDouble,
  type ProtocolDouble,
  startOpaProtocolDouble,
  startSlackProtocolDouble,
} from '@agent/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, postJson, type TestApi } from '../test/harness.js';

const HOOK_PATH = '/services/T000/B000/XXXX';
const OOM = [
  '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
  'Warning  BackOff  pod/payments-api-7d9f8b6c4-x2k9q  Back-off restarting failed container',
].join('\n');

/** Metric name -> Prometheus type and label names, as the issue lists them. */
const ISSUE_METRICS: Record<string, { type: string; labels: string[] }> = {
  http_requests_total: { type: 'counter', labels: ['method', 'route', 'status'] },
  http_request_duration_seconds: { type: 'histogram', labels: ['method', 'route', 'status'] },
  agent_process_log_total: { type: 'counter', labels: ['category', 'mode', 'strategy'] },
  agent_reasoning_cycles: { type: 'histogram', labels: [] },
  agent_reasoning_score: { type: 'histogram', labels: [] },
  agent_actions_total: { type: 'counter', labels: ['plugin', 'decision', 'status'] },
  agent_policy_decisions_total: { type: 'counter', labels: ['engine', 'decision'] },
  agent_llm_requests_total: { type: 'counter', labels: ['outcome'] },
  agent_rate_limited_total: { type: 'counter', labels: [] },
};

let opa: LoopbackServer;
let slack: LoopbackServer;
let llm: ProtocolDouble;
let api: TestApi;
let body: string;

beforeAll(async () => {
  [opa, slack, llm] = await Promise.all([
    startOpaProtocolDouble({ decide: () => ({ allow: true, require_approval: false }) }),
    startSlackProtocolDouble({ hookPath: HOOK_PATH }),
    openAiProtocolDouble(),
  ]);
  llm.setDefault(() => ({
    body: chatCompletion(JSON.stringify({ ...DOUBLE_ANSWER, category: 'oom', confidence: 0.9 })),
  }));
  api = await createTestApi({
    API_KEYS: 'acme:user-key-1',
    RATE_LIMIT_REQUESTS: '2',
    OPA_ENDPOINT: opa.url,
    NOTIFY_WEBHOOK_URL: `${slack.url}${HOOK_PATH}`,
    LLM_BASE_URL: llm.url,
    LLM_MODEL: 'test-model',
    // Above what the heuristics reach for this log, so the LLM is asked.
    TARGET_REASONING_SCORE: '0.99',
  });
  const user = { 'X-API-Key': 'user-key-1' };
  const processed = await api.app.request(
    '/api/process_log',
    postJson({ log: OOM, mode: 'auto', context: { service: 'payments-api' } }, user),
  );
  expect(processed.status).toBe(200);
  expect((await api.app.request('/api/plugins', { headers: user })).status).toBe(200);
  // The third request of the window is refused.
  expect((await api.app.request('/api/plugins', { headers: user })).status).toBe(429);
  body = await (await api.app.request('/api/metrics')).text();
});
afterAll(async () => {
  await api?.close();
  await Promise.all([opa, slack, llm].map((d) => d?.close()));
});

/** Label names of each sample of `name` (histogram `le` left out), one entry per line. */
function labelSets(name: string): string[][] {
  const sample = new RegExp(`^${name}(?:_bucket|_sum|_count)?(?:\\{([^}]*)\\})? `, 'gm');
  return [...body.matchAll(sample)].map((m) =>
    (m[1] ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.slice(0, pair.indexOf('=')))
      .filter((label) => label !== 'le'),
  );
}

describe('GET /api/metrics: the metrics of the observability issue', () => {
  it.each(Object.entries(ISSUE_METRICS))('%s has its type and labels', (name, { type, labels }) => {
    expect(body).toContain(`# TYPE ${name} ${type}\n`);
    const sets = labelSets(name);
    expect(sets.length).toBeGreaterThan(0);
    for (const set of sets) expect(set).toEqual(labels);
  });

  it('counts what the traffic did, with bounded label values', () => {
    expect(body).toContain(
      'http_requests_total{method="POST",route="/api/process_log",status="200"} 1',
    );
    expect(body).toContain(
      'http_request_duration_seconds_count{method="POST",route="/api/process_log",status="200"} 1',
    );
    expect(body).toMatch(
      /^agent_process_log_total\{category="oom",mode="auto",strategy="[a-z_]+"\} 1$/m,
    );
    expect(body).toMatch(/^agent_reasoning_cycles_count 1$/m);
    expect(body).toMatch(/^agent_reasoning_score_count 1$/m);
    expect(body).toContain(
      'agent_actions_total{plugin="notify",decision="allowed",status="executed"} 1',
    );
    expect(body).toMatch(
      /^agent_policy_decisions_total\{engine="opa",decision="allowed"\} [1-9]\d*$/m,
    );
    expect(body).toContain('agent_llm_requests_total{outcome="ok"} 1');
    expect(body).toMatch(/^agent_rate_limited_total 1$/m);
    expect(slack.requests).toHaveLength(1);
  });
});
