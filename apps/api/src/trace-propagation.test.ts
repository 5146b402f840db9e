// W3C trace context on the way out: with tracing on, every request to OPA,
// Vault, the LLM, webhooks and the notify hook carries the `traceparent` of
// the span that made it, so those servers join the caller's trace; with no
// span active, or tracing off, nothing is sent. The servers are loopback
// protocol doubles (not the real OPA or Vault) that record what they got.
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createGovernance,
  createOpenAiLlmClient,
  type Governance,
  type LlmCallObserver,
} from '@agent/adapters';
import {
  chatCompletion,
  DOUBLE_ANSWER,
  type LoopbackServer,
  openAiProtocolDouble,
  type ProtocolDouble,
  startOpaProtocolDouble,
  startSlackProtocolDouble,
  startVaultProtocolDouble,
  startWebhookProtocolDouble,
} from '@agent/adapters/testing';
import { loadConfig } from '@agent/config';
import { CATEGORIES } from '@agent/core';
import {
  createLogger,
  createMetrics,
  InMemorySpanExporter,
  injectTraceHeaders,
  type ReadableSpan,
  setupTracing,
  type Tracing,
  withSpan,
} from '@agent/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, postJson, readJson, runbookPolicyFile } from '../test/harness.js';
import { createApp } from './app.js';
import { createLlmObserver } from './llm-observer.js';
import { createRuntime, type Runtime } from './runtime.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const HOOK_PATH = '/services/T000/B000/XXXX';
const ROLE = { roleId: 'role-devops-agent', secretId: 'approle-secret-id-5f1e0c' };
const RUNBOOK_TOKEN = 'rb-token-vault-marker-93ad27';
const LLM_API_KEY = 'sk-llm-key-trace-test-0123456789';
const OOM = [
  '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
  'Warning  BackOff  pod/payments-api-7d9f8b6c4-x2k9q  Back-off restarting failed container',
].join('\n');
const CONTEXT = { service: 'payments-api', namespace: 'payments' };
const silent = createLogger({ level: 'silent', format: 'json' });

interface Api {
  runtime: Runtime;
  app: ReturnType<typeof createApp>['app'];
}

/** The app on a real runtime (SQLite in `dir`, silent logs), spans to `exporter` when tracing is on. */
async function startApi(
  dir: string,
  env: Record<string, string>,
  exporter?: InMemorySpanExporter,
): Promise<Api> {
  const config = loadConfig({
    env: { DB_PATH: join(dir, 'knowledge.db'), ...env },
    envFile: false,
    cwd: dir,
  });
  const runtime = await createRuntime(config, {
    logger: silent,
    ...(exporter ? { spanExporter: exporter } : {}),
  });
  return { runtime, app: createApp(runtime).app };
}

/** The trace context a protocol double received, read as W3C `traceparent` fields. */
function received(headers: IncomingHttpHeaders): {
  traceId: string;
  spanId: string;
  flags: string;
} {
  const value = headers.traceparent;
  expect(value).toMatch(TRACEPARENT);
  const [, traceId, spanId, flags] = TRACEPARENT.exec(String(value))!;
  return { traceId: traceId!, spanId: spanId!, flags: flags! };
}

interface Doubles {
  opa: LoopbackServer;
  vault: LoopbackServer;
  slack: LoopbackServer;
  runbook: LoopbackServer;
  llm: ProtocolDouble;
  close(): Promise<void>;
}

async function startDoubles(): Promise<Doubles> {
  const [opa, vault, slack, runbook, llm] = await Promise.all([
    // Allows everything, without approval, so auto mode carries the actions out.
    startOpaProtocolDouble({ decide: () => ({ allow: true, require_approval: false }) }),
    startVaultProtocolDouble({
      appRole: ROLE,
      secrets: { runbooks: { token: RUNBOOK_TOKEN } },
    }),
    startSlackProtocolDouble({ hookPath: HOOK_PATH }),
    startWebhookProtocolDouble(),
    openAiProtocolDouble(),
  ]);
  // The LLM double agrees with the heuristics, so the plan stays the OOM playbook.
  llm.setDefault(() => ({
    body: chatCompletion(JSON.stringify({ ...DOUBLE_ANSWER, category: 'oom', confidence: 0.9 })),
  }));
  return {
    opa,
    vault,
    slack,
    runbook,
    llm,
    close: async () => {
      await Promise.all([opa, vault, slack, runbook, llm].map((d) => d.close()));
    },
  };
}

describe('each adapter sends the active span as traceparent (tracing on)', () => {
  let dir: string;
  let doubles: Doubles;
  let tracing: Tracing;
  const exporter = new InMemorySpanExporter();
  let governance: Governance;
  let observer: LlmCallObserver;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trace-propagation-'));
    doubles = await startDoubles();
    // The real provider, with the W3C propagator and async context tracking registered.
    tracing = setupTracing({
      enabled: true,
      serviceName: 'trace-propagation-test',
      serviceVersion: '0.0.0',
      exporter,
      logger: silent,
    });
    // Wired as the composition root (runtime.ts) wires them.
    governance = createGovernance({
      policyFile: runbookPolicyFile(dir, doubles.runbook.url),
      opa: {
        endpoint: doubles.opa.url,
        policyPath: 'devops/remediation/decision',
        timeoutMs: 5000,
      },
      secretsFile: null,
      vault: {
        url: doubles.vault.url,
        token: null,
        roleId: ROLE.roleId,
        secretId: ROLE.secretId,
        namespace: null,
        kvMount: 'secret',
      },
      notifyWebhookUrl: `${doubles.slack.url}${HOOK_PATH}`,
      env: {},
      decorateHeaders: (headers) => injectTraceHeaders(headers),
    });
    observer = createLlmObserver(createMetrics(), tracing.tracer);
  });
  afterAll(async () => {
    await tracing?.shutdown();
    await doubles?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const actuator = (plugin: string) => governance.actuators.find((a) => a.plugin === plugin)!;
  const decide = () =>
    governance.policyEngine.decide({
      action: {
        plugin: 'notify',
        operation: 'send',
        params: { text: 'oom' },
        risk: 'low',
        target: 'notify.send@payments/payments-api',
        recentExecutions: 0,
      },
      incident: { category: 'oom', confidence: 0.9, learned: false },
      context: {},
      principal: { keyId: 'k1', tenant: 'acme', role: 'user' },
      mode: 'auto',
      phase: 'plan',
    });
  const actionContext = (actionId: string) => ({
    dryRun: false,
    actionId,
    secrets: governance.secretStore,
  });
  const llmClient = () =>
    createOpenAiLlmClient({
      baseUrl: doubles.llm.url,
      apiKey: LLM_API_KEY,
      model: 'test-model',
      observer,
    });
  const analyze = () =>
    llmClient().analyze(
      { log: 'x', context: {}, hypotheses: [], categories: CATEGORIES },
      new AbortController().signal,
    );

  it('OPA decision, Vault AppRole login and KV read, notify and webhook: the span that called', async () => {
    const parent = await withSpan(tracing.tracer, 'test.caller', undefined, async (span) => {
      expect((await decide()).decision).toBe('allowed');
      expect(await governance.secretStore.get('runbooks#token')).toBe(RUNBOOK_TOKEN);
      expect(
        await actuator('notify').execute('send', { text: 'oom' }, actionContext('act-n1')),
      ).toMatchObject({ ok: true });
      expect(
        await actuator('webhook').execute(
          'trigger',
          { hook: 'runbook', category: 'oom', service: 'payments-api' },
          actionContext('act-w1'),
        ),
      ).toMatchObject({ ok: true });
      return span.spanContext();
    });
    const sent = [
      ...doubles.opa.requests,
      ...doubles.vault.requests,
      ...doubles.slack.requests,
      ...doubles.runbook.requests,
    ];
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/data/devops/remediation/decision',
      'POST /v1/auth/approle/login',
      'GET /v1/secret/data/runbooks',
      `POST ${HOOK_PATH}`,
      'POST /hooks/devops-agent',
    ]);
    for (const request of sent) {
      expect(received(request.headers)).toEqual({
        traceId: parent.traceId,
        spanId: parent.spanId,
        flags: '01',
      });
    }
    // The webhook resolved its header from Vault (the cached read: no second request).
    expect(doubles.runbook.requests[0]?.headers.authorization).toBe(`Bearer ${RUNBOOK_TOKEN}`);
  });

  it('LLM request: the llm.analyze span, child of the caller', async () => {
    exporter.reset();
    const parent = await withSpan(tracing.tracer, 'test.caller', undefined, async (span) => {
      await analyze();
      return span.spanContext();
    });
    await tracing.forceFlush();
    const call = exporter.getFinishedSpans().find((s) => s.name === 'llm.analyze');
    expect(call?.parentSpanContext?.spanId).toBe(parent.spanId);
    expect(doubles.llm.requests).toHaveLength(1);
    expect(received(doubles.llm.requests[0]!.headers)).toEqual({
      traceId: parent.traceId,
      spanId: call?.spanContext().spanId,
      flags: '01',
    });
  });

  it('sends no traceparent when no span is active', async () => {
    const before = {
      opa: doubles.opa.requests.length,
      slack: doubles.slack.requests.length,
      runbook: doubles.runbook.requests.length,
      llm: doubles.llm.requests.length,
    };
    await decide();
    await actuator('notify').execute('send', { text: 'oom' }, actionContext('act-n2'));
    await actuator('webhook').execute(
      'trigger',
      { hook: 'runbook', category: 'oom', service: 'payments-api' },
      actionContext('act-w2'),
    );
    // The LLM client makes its own span when tracing is on; it has no parent here.
    exporter.reset();
    await analyze();
    await tracing.forceFlush();
    const outside = [
      ...doubles.opa.requests.slice(before.opa),
      ...doubles.slack.requests.slice(before.slack),
      ...doubles.runbook.requests.slice(before.runbook),
    ];
    expect(outside).toHaveLength(3);
    for (const request of outside) expect(request.headers.traceparent).toBeUndefined();
    // The LLM request carries only its own root span, never a trace of someone else.
    const root = exporter.getFinishedSpans().find((s) => s.name === 'llm.analyze');
    expect(root?.parentSpanContext).toBeUndefined();
    expect(received(doubles.llm.requests[before.llm]!.headers).spanId).toBe(
      root?.spanContext().spanId,
    );
  });
});

describe('POST /api/process_log with an incoming traceparent (tracing on, OPA, Vault, LLM, notify, webhook)', () => {
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const PARENT_SPAN_ID = '00f067aa0ba902b7';
  let doubles: Doubles;
  let api: Api;
  let dir: string;
  let result: Json;
  let spans: ReadableSpan[];
  const exporter = new InMemorySpanExporter();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trace-propagation-api-'));
    doubles = await startDoubles();
    api = await startApi(
      dir,
      {
        ENABLE_TRACING: 'true',
        API_KEYS: 'acme:user-key-1',
        DEDUP_WINDOW_SEC: '0',
        OPA_ENDPOINT: doubles.opa.url,
        VAULT_URL: doubles.vault.url,
        VAULT_ROLE_ID: ROLE.roleId,
        VAULT_SECRET_ID: ROLE.secretId,
        NOTIFY_WEBHOOK_URL: `${doubles.slack.url}${HOOK_PATH}`,
        POLICY_FILE: runbookPolicyFile(dir, doubles.runbook.url),
        LLM_BASE_URL: doubles.llm.url,
        LLM_MODEL: 'test-model',
        LLM_API_KEY,
        // Above what the heuristics reach for this log, so the LLM is asked too.
        TARGET_REASONING_SCORE: '0.99',
      },
      exporter,
    );
    exporter.reset();
    const res = await api.app.request(
      '/api/process_log',
      postJson(
        { log: OOM, mode: 'auto', context: CONTEXT },
        { 'X-API-Key': 'user-key-1', traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` },
      ),
    );
    expect(res.status).toBe(200);
    result = await readJson(res);
    await api.runtime.tracing.forceFlush();
    spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === TRACE_ID);
  });
  afterAll(async () => {
    await api?.runtime.close();
    await doubles?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Name of the span whose id a double received as the parent. */
  function callerOf(headers: IncomingHttpHeaders): string | undefined {
    const { traceId, spanId } = received(headers);
    expect(traceId).toBe(TRACE_ID);
    return spans.find((s) => s.spanContext().spanId === spanId)?.name;
  }

  it('carries out notify and the webhook (what the doubles below were called for)', () => {
    const status = Object.fromEntries(
      result.actions.map((a: Json) => [a.plugin, `${a.decision}/${a.status}`]),
    );
    expect(status).toMatchObject({ notify: 'allowed/executed', webhook: 'allowed/executed' });
  });

  it('sends the incoming trace to OPA from each policy.decide span', () => {
    expect(doubles.opa.requests.length).toBeGreaterThan(0);
    for (const request of doubles.opa.requests) {
      expect(callerOf(request.headers)).toBe('policy.decide');
    }
  });

  it('sends it to Vault (AppRole login and KV read) from the secret.read span', () => {
    expect(doubles.vault.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/auth/approle/login',
      'GET /v1/secret/data/runbooks',
    ]);
    for (const request of doubles.vault.requests) {
      expect(callerOf(request.headers)).toBe('secret.read');
    }
  });

  it('sends it to the notify hook and the webhook from their actuator.execute spans', () => {
    expect(doubles.slack.requests).toHaveLength(1);
    expect(callerOf(doubles.slack.requests[0]!.headers)).toBe('actuator.execute');
    expect(doubles.runbook.requests).toHaveLength(1);
    expect(callerOf(doubles.runbook.requests[0]!.headers)).toBe('actuator.execute');
    expect(doubles.runbook.requests[0]?.headers.authorization).toBe(`Bearer ${RUNBOOK_TOKEN}`);
  });

  it('sends it to the LLM from the llm.analyze span', () => {
    expect(doubles.llm.requests.length).toBeGreaterThan(0);
    for (const request of doubles.llm.requests) {
      expect(callerOf(request.headers as IncomingHttpHeaders)).toBe('llm.analyze');
    }
  });

  it('puts neither a line of the log nor a secret in any span attribute', () => {
    expect(spans.length).toBeGreaterThan(10);
    const forbidden = [
      ...OOM.split('\n').map((line) => line.trim()),
      'OutOfMemoryError',
      'Back-off restarting',
      RUNBOOK_TOKEN,
      ROLE.secretId,
      LLM_API_KEY,
      'hvs.login-',
    ];
    for (const span of spans) {
      const values = [
        span.name,
        span.status.message,
        ...Object.values(span.attributes),
        ...span.events.flatMap((e) => [e.name, ...Object.values(e.attributes ?? {})]),
      ]
        .flat()
        .filter((v): v is string => typeof v === 'string');
      for (const value of values) {
        for (const secret of forbidden) expect(value).not.toContain(secret);
      }
    }
  });
});

describe('POST /api/process_log with tracing off', () => {
  let doubles: Doubles;
  let api: Api;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trace-propagation-off-'));
    doubles = await startDoubles();
    api = await startApi(dir, {
      API_KEYS: 'acme:user-key-1',
      OPA_ENDPOINT: doubles.opa.url,
      NOTIFY_WEBHOOK_URL: `${doubles.slack.url}${HOOK_PATH}`,
      LLM_BASE_URL: doubles.llm.url,
      LLM_MODEL: 'test-model',
      TARGET_REASONING_SCORE: '0.99',
    });
  });
  afterAll(async () => {
    await api?.runtime.close();
    await doubles?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not pass an incoming traceparent on to OPA, the LLM or the notify hook', async () => {
    const res = await api.app.request(
      '/api/process_log',
      postJson(
        { log: OOM, mode: 'auto', context: CONTEXT },
        {
          'X-API-Key': 'user-key-1',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
      ),
    );
    expect(res.status).toBe(200);
    const sent = [...doubles.opa.requests, ...doubles.slack.requests, ...doubles.llm.requests];
    expect(doubles.opa.requests.length).toBeGreaterThan(0);
    expect(doubles.slack.requests).toHaveLength(1);
    expect(doubles.llm.requests.length).toBeGreaterThan(0);
    for (const request of sent) {
      expect(request.headers.traceparent).toBeUndefined();
      expect(request.headers.tracestate).toBeUndefined();
    }
  });
});
