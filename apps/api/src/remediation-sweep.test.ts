import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@agent/config';
import {
  type Actuator,
  type Clock,
  createAgent,
  MemoryKnowledgeStore,
  type Principal,
} from '@agent/core';
import { createKnowledgeStore } from '@agent/knowledge';
import { createLogger } from '@agent/observability';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApi, type Json, readJson } from '../test/harness.js';
import { startRemediationSweep, sweepIntervalMs } from './remediation-sweep.js';
import { createRuntime } from './runtime.js';

const user: Principal = { keyId: 'user-key', tenant: 'acme', role: 'user' };
const OOM = [
  '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
  'Warning  BackOff  pod/payments-api-7d9f8b6c4-x2k9q  Back-off restarting failed container',
].join('\n');
const silent = { info: () => {}, warn: () => {} };

/** The incident the stored actions of a test belong to. */
const incidentAt = (at: string) => ({
  incidentId: 'inc-1',
  tenant: 'acme',
  receivedAt: at,
  lastSeenAt: at,
  category: 'oom' as const,
  severity: 'high' as const,
  signature: 'sig',
  occurrences: 1,
  result: { actions: [] } as never,
});

function manualClock(start = Date.parse('2026-11-26T12:00:00.000Z')) {
  let now = start;
  const clock: Clock = { now: () => new Date(now), monotonicMs: () => now };
  return { clock, advance: (ms: number) => (now += ms) };
}

const webhook: Actuator = {
  plugin: 'webhook',
  configured: true,
  async execute() {
    return { ok: true };
  },
};

afterEach(() => {
  vi.useRealTimers();
});

describe('remediation sweep', () => {
  it('sweeps every tenth of the TTL, between 1 s and 60 s', () => {
    expect(sweepIntervalMs(1)).toBe(1_000);
    expect(sweepIntervalMs(100)).toBe(10_000);
    expect(sweepIntervalMs(86_400)).toBe(60_000);
  });

  it('expires a pending approval past its TTL with nobody touching it, audited', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { clock, advance } = manualClock();
    const store = new MemoryKnowledgeStore();
    const agent = createAgent({ store, clock, approvalTtlSec: 60, actuators: [webhook] });
    const result = await agent.processLog({
      log: OOM,
      mode: 'auto',
      context: { service: 'payments-api', namespace: 'payments' },
      principal: user,
    });
    const pending = result.actions.find((a) => a.status === 'pending_approval')!;
    const sweep = startRemediationSweep({ agent, approvalTtlSec: 60, logger: silent });
    try {
      await sweep.runNow();
      expect((await store.getAction(pending.actionId, null))?.status).toBe('pending_approval');
      advance(61_000);
      // The timer's sweep, not a request, closes it.
      await vi.advanceTimersByTimeAsync(sweepIntervalMs(60));
      for (let i = 0; i < 100; i++) {
        if ((await store.getAction(pending.actionId, null))?.status !== 'pending_approval') break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const expired = await store.getAction(pending.actionId, null);
      expect(expired).toMatchObject({ status: 'skipped' });
      expect(expired?.reasons.at(-1)).toBe('approval expired');
      const audit = await store.listAudit({ tenant: null, limit: 50 });
      expect(
        audit.items.some((e) => e.event === 'action.expired' && e.subject === pending.actionId),
      ).toBe(true);
    } finally {
      await sweep.stop();
    }
  });

  it('sweeps on its timer, and no more once stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const calls: string[] = [];
    const sweep = startRemediationSweep({
      agent: {
        async expireApprovals() {
          calls.push('expire');
          return 0;
        },
        async recoverInterruptedExecutions(options) {
          calls.push(options?.startup ? 'recover at start-up' : 'recover');
          return 0;
        },
      },
      approvalTtlSec: 100,
      logger: silent,
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toEqual(['recover at start-up', 'expire']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toEqual(['recover at start-up', 'expire', 'recover', 'expire']);
    await sweep.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(4);
  });

  it('retries the start-up recovery until the store answers, logging the failure', async () => {
    const warnings: string[] = [];
    let down = true;
    const seen: boolean[] = [];
    const sweep = startRemediationSweep({
      agent: {
        expireApprovals: async () => 0,
        async recoverInterruptedExecutions(options) {
          seen.push(options?.startup === true);
          if (down) throw new Error('store down');
          return 1;
        },
      },
      approvalTtlSec: 100,
      logger: {
        info: () => {},
        warn: (_obj: unknown, message?: string) => warnings.push(message ?? ''),
      },
    });
    try {
      expect(await sweep.runNow()).toEqual({ expired: 0, interrupted: 0 });
      down = false;
      expect(await sweep.runNow()).toEqual({ expired: 0, interrupted: 1 });
      await sweep.runNow();
      expect(seen).toEqual([true, true, false]);
      expect(warnings[0]).toBe('remediation: could not recover interrupted executions');
    } finally {
      await sweep.stop();
    }
  });
});

describe('runtime start-up', () => {
  it('marks executions a stopped server left claimed failed, audited and counted', async () => {
    const api = await createTestApi({ ADMIN_KEYS: 'admin-key-1' });
    const dbPath = join(api.dir, 'knowledge.db');
    await api.runtime.close();
    const store = await createKnowledgeStore({ dbPath });
    const at = new Date().toISOString();
    await store.saveIncident(incidentAt(at));
    const action = (actionId: string, executor: string, updatedAt: string) => ({
      action: {
        actionId,
        plugin: 'webhook',
        operation: 'trigger',
        params: {},
        risk: 'medium' as const,
        description: 'runbook',
        decision: 'allowed' as const,
        reasons: [],
        status: 'failed' as const,
        error: 'execution started and recorded no result',
        incidentId: 'inc-1',
        tenant: 'acme',
        target: 'webhook.trigger@payments/payments-api',
        createdAt: updatedAt,
        updatedAt,
        decidedBy: null,
        expiresAt: null,
        executedAt: null,
        review: {
          category: 'oom' as const,
          confidence: 0.9,
          learned: false,
          context: {},
          mode: 'auto' as const,
          requestedBy: user,
        },
      },
      tenant: 'acme',
      target: 'webhook.trigger@payments/payments-api',
      since: '2026-01-01T00:00:00.000Z',
      limit: null,
      at: updatedAt,
      executor,
    });
    // This server's own claim from before the restart (PORT 5000), a
    // long-gone replica's claim, and the claim of a moment ago of a live
    // server on another port of this host.
    await store.reserveExecution(action('mine', `${hostname()}:5000/devops-agent-api`, at));
    await store.reserveExecution(
      action('gone', 'old-host/devops-agent-api', '2026-01-01T00:00:00.000Z'),
    );
    await store.reserveExecution(action('live', `${hostname()}:5001/devops-agent-api`, at));
    await store.close();

    const config = loadConfig({
      env: { DB_PATH: dbPath, ADMIN_KEYS: 'admin-key-1' },
      envFile: false,
      cwd: api.dir,
    });
    const runtime = await createRuntime(config, {
      logger: createLogger({ level: 'silent', format: 'json' }),
    });
    try {
      for (const id of ['mine', 'gone']) {
        expect(await runtime.store.getAction(id, null)).toMatchObject({
          status: 'failed',
          error:
            'interrupted: the server stopped during execution; the outcome is unknown, check the target before retrying',
        });
      }
      expect((await runtime.store.getAction('live', null))?.error).toBe(
        'execution started and recorded no result',
      );
      const audit = await runtime.store.listAudit({ tenant: null, limit: 10 });
      expect(
        audit.items
          .filter((e) => e.event === 'action.interrupted')
          .map((e) => e.subject)
          .sort(),
      ).toEqual(['gone', 'mine']);
      expect(
        await runtime.store.countExecutions({
          tenant: 'acme',
          target: 'webhook.trigger@payments/payments-api',
          since: new Date(Date.parse(at) - 60_000).toISOString(),
        }),
      ).toBe(2);
    } finally {
      await runtime.close();
      await api.close();
    }
  });

  it('never lists an approval past its expiry as pending, even before a sweep', async () => {
    const api = await createTestApi({ ADMIN_KEYS: 'admin-key-1' });
    try {
      const at = new Date().toISOString();
      await api.runtime.store.saveIncident(incidentAt(at));
      const base = {
        plugin: 'webhook',
        operation: 'trigger',
        params: {},
        risk: 'medium' as const,
        description: 'runbook',
        decision: 'approval_required' as const,
        reasons: ['medium-risk action needs approval'],
        status: 'pending_approval' as const,
        incidentId: 'inc-1',
        tenant: 'acme',
        target: 'webhook.trigger@payments/payments-api',
        createdAt: at,
        updatedAt: at,
        decidedBy: null,
        executedAt: null,
        review: {
          category: 'oom' as const,
          confidence: 0.9,
          learned: false,
          context: {},
          mode: 'auto' as const,
          requestedBy: user,
        },
      };
      await api.runtime.store.saveActions([
        { ...base, actionId: 'lapsed', expiresAt: new Date(Date.now() - 1_000).toISOString() },
        { ...base, actionId: 'open', expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
      ]);
      const res = await api.app.request('/api/actions?status=pending_approval', {
        headers: { 'X-API-Key': 'admin-key-1' },
      });
      expect(res.status).toBe(200);
      const body: Json = await readJson(res);
      expect(body.items.map((a: Json) => a.action_id)).toEqual(['open']);
      expect(await api.runtime.store.getAction('lapsed', null)).toMatchObject({
        status: 'skipped',
      });
    } finally {
      await api.close();
    }
  });
});
