import { CATEGORIES, MemorySecretStore } from '@agent/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type LoopbackServer,
  startLoopbackServer,
  startOpaProtocolDouble,
  startSlackProtocolDouble,
  startVaultProtocolDouble,
  startWebhookProtocolDouble,
} from '../../test/protocol-doubles.js';
import { NotifyActuator } from '../actuators/notify-actuator.js';
import { WebhookActuator } from '../actuators/webhook-actuator.js';
import { createOpenAiLlmClient } from '../llm/openai-llm-client.js';
import { OpaPolicyEngine } from '../policy/opa-policy-engine.js';
import { ActuatorSettingsSchema } from '../policy/policy-file.js';
import { VaultSecretStore } from '../secrets/vault-secret-store.js';
import { openAiProtocolDouble, type ProtocolDouble } from '../testing.js';
import { type DecorateHeaders, outboundHttp } from './outbound-http.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function started<T extends LoopbackServer | ProtocolDouble>(server: Promise<T>): Promise<T> {
  const s = await server;
  servers.push(s);
  return s;
}

/** A hook like the composition root's: adds a header naming the attempt it decorated. */
function countingHook(): { hook: DecorateHeaders; seen: Record<string, string>[] } {
  const seen: Record<string, string>[] = [];
  return {
    seen,
    hook: (headers) => {
      seen.push({ ...headers });
      return { ...headers, 'x-decorated': String(seen.length) };
    },
  };
}

describe('outboundHttp', () => {
  it('decorates every attempt, retries included, after the call set its own headers', async () => {
    let n = 0;
    const server = await started(
      startLoopbackServer((_req, res) => {
        n++;
        res.writeHead(n === 1 ? 503 : 200);
        res.end('done');
      }),
    );
    const { hook, seen } = countingHook();
    const text = await outboundHttp({ decorateHeaders: hook })
      .post(`${server.url}/x`, {
        headers: { 'x-own': 'kept' },
        retry: { limit: 1, methods: ['post'], statusCodes: [503], delay: () => 1 },
      })
      .text();
    expect(text).toBe('done');
    expect(server.requests.map((r) => r.headers['x-decorated'])).toEqual(['1', '2']);
    expect(server.requests.map((r) => r.headers['x-own'])).toEqual(['kept', 'kept']);
    expect(seen[0]).toMatchObject({ 'x-own': 'kept' });
  });

  it('adds nothing without a hook', async () => {
    const server = await started(startLoopbackServer((_req, res) => res.end('ok')));
    await outboundHttp().get(`${server.url}/y`, { headers: { 'x-own': 'kept' } });
    expect(server.requests[0]?.headers['x-own']).toBe('kept');
    expect(server.requests[0]?.headers['x-decorated']).toBeUndefined();
  });
});

describe('every adapter sends through outboundHttp (each protocol double sees the hook header)', () => {
  it('OPA: the decision and the readiness check', async () => {
    const opa = await started(startOpaProtocolDouble({ decide: () => ({ allow: true }) }));
    const engine = new OpaPolicyEngine({
      endpoint: opa.url,
      policyPath: 'devops/remediation/decision',
      timeoutMs: 5000,
      decorateHeaders: countingHook().hook,
    });
    await engine.check();
    const decision = await engine.decide({
      action: {
        plugin: 'notify',
        operation: 'send',
        params: {},
        risk: 'low',
        target: 'notify.send@default',
        recentExecutions: 0,
      },
      incident: { category: 'oom', confidence: 0.9, learned: false },
      context: {},
      principal: { keyId: 'k1', tenant: 'acme', role: 'user' },
      mode: 'auto',
      phase: 'plan',
    });
    expect(decision.decision).toBe('allowed');
    expect(opa.requests.map((r) => [r.method, r.path, r.headers['x-decorated']])).toEqual([
      ['GET', '/health', '1'],
      ['POST', '/v1/data/devops/remediation/decision', '2'],
    ]);
  });

  it('Vault: the AppRole login, the KV read and the readiness check', async () => {
    const vault = await started(
      startVaultProtocolDouble({
        appRole: { roleId: 'role-1', secretId: 'secret-1' },
        secrets: { runbooks: { token: 'rb-123' } },
      }),
    );
    const store = new VaultSecretStore({
      url: vault.url,
      appRole: { roleId: 'role-1', secretId: 'secret-1' },
      decorateHeaders: countingHook().hook,
    });
    expect(await store.get('runbooks#token')).toBe('rb-123');
    await store.check();
    expect(vault.requests.map((r) => [r.method, r.path, r.headers['x-decorated']])).toEqual([
      ['POST', '/v1/auth/approle/login', '1'],
      ['GET', '/v1/secret/data/runbooks', '2'],
      ['GET', '/v1/sys/health', '3'],
    ]);
  });

  it('notify and webhook actuators', async () => {
    const slack = await started(startSlackProtocolDouble());
    const hook = await started(startWebhookProtocolDouble());
    const notify = new NotifyActuator({
      webhookUrl: `${slack.url}/services/T000/B000/XXXX`,
      decorateHeaders: countingHook().hook,
    });
    const webhook = new WebhookActuator({
      settings: ActuatorSettingsSchema.parse({
        webhook: { allowed_hosts: ['127.0.0.1'], hooks: { runbook: { url: `${hook.url}/h` } } },
      }).webhook,
      decorateHeaders: countingHook().hook,
    });
    const context = { dryRun: false, actionId: 'act-1', secrets: new MemorySecretStore({}) };
    expect(await notify.execute('send', { text: 'oom' }, context)).toMatchObject({ ok: true });
    const params = { hook: 'runbook', category: 'oom', service: 'payments-api' };
    expect(await webhook.execute('trigger', params, context)).toMatchObject({ ok: true });
    expect(slack.requests[0]?.headers['x-decorated']).toBe('1');
    expect(hook.requests[0]?.headers['x-decorated']).toBe('1');
  });

  it('LLM: the observer headers on every attempt', async () => {
    const llm = await started(openAiProtocolDouble());
    llm.reply({ status: 503, body: { error: { message: 'busy' } } });
    let calls = 0;
    const client = createOpenAiLlmClient({
      baseUrl: llm.url,
      model: 'test-model',
      sleep: async () => {},
      observer: { headers: () => ({ 'x-decorated': String(++calls) }) },
    });
    await client.analyze(
      { log: 'x', context: {}, hypotheses: [], categories: CATEGORIES },
      new AbortController().signal,
    );
    expect(llm.requests.map((r) => r.headers['x-decorated'])).toEqual(['1', '2']);
  });
});
