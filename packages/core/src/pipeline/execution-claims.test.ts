import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent.js';
import type { Principal } from '../domain/types.js';
import { DefaultPolicyEngine } from '../memory/default-policy-engine.js';
import { MemoryKnowledgeStore } from '../memory/memory-knowledge-store.js';
import type { Actuator } from '../ports/actuator.js';
import type { Clock } from '../ports/clock.js';
import type { PolicyEngine, PolicyInput } from '../ports/policy-engine.js';
import { INTERRUPTED, INTERRUPTED_BEFORE_RUNNING } from './approvals.js';

const user: Principal = { keyId: 'user-key', tenant: 'acme', role: 'user' };
const admin: Principal = { keyId: 'admin-key', tenant: 'default', role: 'admin' };

const OOM = [
  '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
  '    at com.acme.payments.Ledger.load(Ledger.java:88)',
  'Warning  BackOff  pod/payments-api-7d9f8b6c4-x2k9q  Back-off restarting failed container',
].join('\n');
const CONTEXT = { service: 'payments-api', namespace: 'payments' };

function manualClock(start = Date.parse('2026-11-26T12:00:00.000Z')) {
  let now = start;
  const clock: Clock = { now: () => new Date(now), monotonicMs: () => now };
  return { clock, advance: (ms: number) => (now += ms) };
}

/** An actuator that counts its runs and, while `hold` is set, never finishes one. */
function counting(plugin: string, hold?: Promise<never>) {
  const runs: string[] = [];
  const actuator: Actuator = {
    plugin,
    configured: true,
    async execute(_operation, _params, context) {
      runs.push(context.actionId);
      if (hold) await hold;
      return { ok: true, output: `${plugin} done` };
    },
  };
  return { actuator, runs };
}

/**
 * The built-in rules, answering only once `expected` decisions of `phase` for
 * `plugin` are waiting: every caller has counted the executions before any
 * of them runs, which is the race a count alone cannot hold.
 */
function barrierPolicy(
  rules: ConstructorParameters<typeof DefaultPolicyEngine>[0],
  barrier: { plugin: string; phase: PolicyInput['phase']; expected: number },
): PolicyEngine {
  const inner = new DefaultPolicyEngine(rules);
  const waiting: Array<() => void> = [];
  return {
    name: 'barrier',
    blastRadiusWindowSec: inner.blastRadiusWindowSec,
    blastRadiusMaxExecutions: inner.blastRadiusMaxExecutions,
    async decide(input) {
      const verdict = await inner.decide(input);
      if (input.action.plugin === barrier.plugin && input.phase === barrier.phase) {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length === barrier.expected) for (const go of waiting) go();
        });
      }
      return verdict;
    },
  };
}

describe('blast radius under concurrency', () => {
  it('lets concurrent auto requests on one target execute only up to the limit', async () => {
    const notify = counting('notify');
    const agent = createAgent({
      actuators: [notify.actuator, counting('webhook').actuator, counting('command').actuator],
      policyEngine: barrierPolicy({}, { plugin: 'notify', phase: 'plan', expected: 8 }),
    });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        agent.processLog({
          log: `${OOM}\nattempt ${n}`,
          mode: 'auto',
          context: CONTEXT,
          principal: user,
        }),
      ),
    );
    const sent = results.map((r) => r.actions.find((a) => a.plugin === 'notify')!);
    expect(sent.filter((a) => a.status === 'executed')).toHaveLength(3);
    expect(notify.runs).toHaveLength(3);
    const skipped = sent.filter((a) => a.status === 'skipped');
    expect(skipped).toHaveLength(5);
    for (const action of skipped) {
      expect(action.decision).toBe('denied');
      expect(action.reasons).toEqual([
        'blast radius reached: 3 executions on notify.send@payments/payments-api in the last 3600 s (limit 3)',
      ]);
    }
    const stored = await agent.listActions({ status: 'executed', limit: 50 }, admin);
    expect(stored.items.filter((a) => a.plugin === 'notify')).toHaveLength(3);
    const audit = (await agent.listAudit({ limit: 200 }, admin)).items;
    expect(audit.filter((e) => e.event === 'action.skipped')).toHaveLength(5);
  });

  it('lets concurrent approvals of different actions on one target execute only up to the limit', async () => {
    const store = new MemoryKnowledgeStore();
    const rules = { blast_radius: { max_executions: 2, window_sec: 600 } };
    const planner = createAgent({
      store,
      actuators: [counting('notify').actuator, counting('webhook').actuator],
      policyEngine: new DefaultPolicyEngine({ rules }),
    });
    const pending: string[] = [];
    for (let n = 0; n < 5; n++) {
      const result = await planner.processLog({
        log: `${OOM}\nattempt ${n}`,
        mode: 'auto',
        context: CONTEXT,
        principal: user,
      });
      pending.push(result.actions.find((a) => a.plugin === 'webhook')!.actionId);
    }
    const webhook = counting('webhook');
    const approver = createAgent({
      store,
      actuators: [webhook.actuator],
      policyEngine: barrierPolicy({ rules }, { plugin: 'webhook', phase: 'approval', expected: 5 }),
    });
    const approved = await Promise.all(pending.map((id) => approver.approveAction(id, admin)));
    expect(approved.filter((a) => a.status === 'executed')).toHaveLength(2);
    expect(webhook.runs).toHaveLength(2);
    const skipped = approved.filter((a) => a.status === 'skipped');
    expect(skipped).toHaveLength(3);
    for (const action of skipped) {
      expect(action.decision).toBe('denied');
      expect(action.executedAt).toBeNull();
      expect(action.reasons.at(-1)).toBe(
        'blast radius reached: 2 executions on webhook.trigger@payments/payments-api in the last 600 s (limit 2)',
      );
    }
  });
});

describe('executions interrupted by a stopped process', () => {
  const never = new Promise<never>(() => {});

  it('marks an approved action whose process stopped mid-run failed, audited and counted', async () => {
    const { clock, advance } = manualClock();
    const store = new MemoryKnowledgeStore();
    const planner = createAgent({
      store,
      clock,
      actuators: [counting('notify').actuator, counting('webhook').actuator],
    });
    const planned = await planner.processLog({
      log: OOM,
      mode: 'auto',
      context: CONTEXT,
      principal: user,
    });
    const action = planned.actions.find((a) => a.plugin === 'webhook')!;
    // The first process claims and starts it, then stops before the outcome.
    const hung = counting('webhook', never);
    const first = createAgent({ store, clock, executorId: 'host-a', actuators: [hung.actuator] });
    void first.approveAction(action.actionId, admin);
    await until(() => hung.runs.length === 1);
    advance(5_000);

    // Another replica starting meanwhile leaves a recent claim of host-a alone.
    const other = createAgent({ store, clock, executorId: 'host-b' });
    expect(await other.recoverInterruptedExecutions({ startup: true })).toBe(0);
    expect((await store.getAction(action.actionId, null))?.error).toMatch(/no result/);

    // host-a restarts: its claims from before cannot be running.
    const restarted = createAgent({ store, clock, executorId: 'host-a' });
    expect(await restarted.recoverInterruptedExecutions({ startup: true })).toBe(1);
    const recovered = await store.getAction(action.actionId, null);
    expect(recovered).toMatchObject({ status: 'failed', error: INTERRUPTED });
    expect(recovered?.executedAt).not.toBeNull();
    const audit = (await restarted.listAudit({ limit: 50 }, admin)).items;
    expect(audit[0]).toMatchObject({
      actor: 'system',
      event: 'action.interrupted',
      subject: action.actionId,
      tenant: 'acme',
      result: `failed: ${INTERRUPTED}`,
    });
    expect(
      await store.countExecutions({
        tenant: 'acme',
        target: 'webhook.trigger@payments/payments-api',
        since: '2026-11-26T11:00:00.000Z',
      }),
    ).toBe(1);
    // Nothing runs it again, and a second recovery finds nothing.
    await expect(restarted.approveAction(action.actionId, admin)).rejects.toThrow(/not pending/);
    expect(await restarted.recoverInterruptedExecutions({ startup: true })).toBe(0);
    expect(hung.runs).toHaveLength(1);
  });

  it('ends claims of a process gone for good once idle past the limit, including auto runs', async () => {
    const { clock, advance } = manualClock();
    const store = new MemoryKnowledgeStore();
    const hung = counting('notify', never);
    const gone = createAgent({ store, clock, executorId: 'host-a', actuators: [hung.actuator] });
    void gone.processLog({ log: OOM, mode: 'auto', context: CONTEXT, principal: user });
    await until(() => hung.runs.length === 1);
    const actionId = hung.runs[0]!;
    expect(await store.getAction(actionId, null)).toMatchObject({ status: 'failed' });

    const survivor = createAgent({ store, clock, executorId: 'host-b', interruptedAfterSec: 600 });
    advance(599_000);
    expect(await survivor.recoverInterruptedExecutions()).toBe(0);
    advance(1_000);
    expect(await survivor.recoverInterruptedExecutions()).toBe(1);
    expect(await store.getAction(actionId, null)).toMatchObject({
      status: 'failed',
      error: INTERRUPTED,
    });
  });

  it('says nothing ran when the process stopped between the claim and the execution slot', async () => {
    const store = new MemoryKnowledgeStore();
    const planner = createAgent({
      store,
      actuators: [counting('notify').actuator, counting('webhook').actuator],
    });
    const planned = await planner.processLog({
      log: OOM,
      mode: 'auto',
      context: CONTEXT,
      principal: user,
    });
    const action = planned.actions.find((a) => a.plugin === 'webhook')!;
    // The claim as approval takes it; the process stops before the slot.
    await store.updateAction(
      action.actionId,
      {
        status: 'failed',
        error: 'approved; execution started and recorded no result',
        decidedBy: 'admin-key',
        updatedAt: '2026-11-26T12:00:00.000Z',
        executor: 'agent',
      },
      'pending_approval',
    );
    const restarted = createAgent({ store });
    expect(await restarted.recoverInterruptedExecutions({ startup: true })).toBe(1);
    const recovered = await store.getAction(action.actionId, null);
    expect(recovered).toMatchObject({ status: 'failed', error: INTERRUPTED_BEFORE_RUNNING });
    expect(recovered?.executedAt).toBeNull();
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(condition()).toBe(true);
}
