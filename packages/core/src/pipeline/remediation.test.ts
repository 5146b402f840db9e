import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent.js';
import { ActionNotPendingError, NotFoundError } from '../domain/errors.js';
import type { Principal } from '../domain/types.js';
import { MemoryKnowledgeStore } from '../memory/memory-knowledge-store.js';
import { MemorySecretStore } from '../memory/memory-secret-store.js';
import type { Actuator, ActuatorContext } from '../ports/actuator.js';
import type { Clock } from '../ports/clock.js';
import type { PolicyEngine } from '../ports/policy-engine.js';
import { planActions } from './plan.js';
import { pathEntity } from './remediation.js';

const user: Principal = { keyId: 'user-key', tenant: 'acme', role: 'user' };
const admin: Principal = { keyId: 'admin-key', tenant: 'default', role: 'admin' };

const OOM = [
  '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
  '    at com.acme.payments.Ledger.load(Ledger.java:88)',
  'Warning  BackOff  pod/payments-api-7d9f8b6c4-x2k9q  Back-off restarting failed container',
].join('\n');
const CONTEXT = { service: 'payments-api', namespace: 'payments' };

function recording(plugin: string, run?: (context: ActuatorContext) => Promise<void>) {
  const calls: { operation: string; params: Record<string, unknown>; dryRun: boolean }[] = [];
  const actuator: Actuator = {
    plugin,
    configured: true,
    async execute(operation, params, context) {
      calls.push({ operation, params, dryRun: context.dryRun });
      await run?.(context);
      return { ok: true, output: `${plugin} done` };
    },
  };
  return { actuator, calls };
}

function manualClock(start = Date.parse('2026-11-26T12:00:00.000Z')) {
  let now = start;
  const clock: Clock = { now: () => new Date(now), monotonicMs: () => now };
  return { clock, advance: (ms: number) => (now += ms) };
}

function setup(options: Parameters<typeof createAgent>[0] = {}) {
  const notify = recording('notify');
  const webhook = recording('webhook');
  const command = recording('command');
  const store = options.store ?? new MemoryKnowledgeStore();
  const agent = createAgent({
    store,
    actuators: [notify.actuator, webhook.actuator, command.actuator],
    ...options,
  });
  return { agent, store, notify, webhook, command };
}

describe('governed remediation', () => {
  it('safe mode plans every action as dry_run, shows the decision, stores and audits them', async () => {
    const { agent, notify } = setup();
    const result = await agent.processLog({ log: OOM, context: CONTEXT, principal: user });
    expect(result.actions.map((a) => `${a.plugin}:${a.decision}:${a.status}`)).toEqual([
      'notify:allowed:dry_run',
      'webhook:approval_required:dry_run',
      'command:approval_required:dry_run',
    ]);
    expect(notify.calls).toEqual([]);
    const stored = await agent.listActions({ limit: 10 }, admin);
    expect(stored.items.map((a) => a.actionId).sort()).toEqual(
      result.actions.map((a) => a.actionId).sort(),
    );
    expect(stored.items[0]).toMatchObject({ incidentId: result.incidentId, tenant: 'acme' });
    const audit = await agent.listAudit({ limit: 50 }, admin);
    expect(audit.items.filter((e) => e.event === 'policy.decision')).toHaveLength(3);
    expect(audit.items.every((e) => e.actor === 'user-key' && e.tenant === 'acme')).toBe(true);
  });

  it('auto mode executes what is allowed, queues approvals with an expiry, and audits both', async () => {
    const { clock } = manualClock();
    const { agent, notify, webhook } = setup({ clock, approvalTtlSec: 600 });
    const result = await agent.processLog({
      log: OOM,
      mode: 'auto',
      context: CONTEXT,
      principal: user,
    });
    const [sent, runbook, restart] = result.actions;
    expect(sent).toMatchObject({ plugin: 'notify', status: 'executed', output: 'notify done' });
    expect(notify.calls).toHaveLength(1);
    expect(notify.calls[0]?.dryRun).toBe(false);
    expect(runbook).toMatchObject({ plugin: 'webhook', status: 'pending_approval' });
    expect(restart).toMatchObject({ plugin: 'command', status: 'pending_approval' });
    expect(restart?.params).toEqual({
      command: 'rollout-restart',
      args: { namespace: 'payments', deployment: 'payments-api' },
    });
    expect(webhook.calls).toEqual([]);

    const pending = await agent.listActions({ status: 'pending_approval', limit: 10 }, admin);
    expect(pending.items).toHaveLength(2);
    expect(pending.items[0]?.expiresAt).toBe('2026-11-26T12:10:00.000Z');
    const events = (await agent.listAudit({ limit: 50 }, admin)).items.map((e) => e.event);
    expect(events).toContain('action.executed');
    expect(events.filter((e) => e === 'policy.decision')).toHaveLength(3);
  });

  it('skips every action when the licence lacks auto_remediation, or execution is disabled', async () => {
    for (const [options, reason] of [
      [{ autoRemediationAllowed: async () => false }, /auto_remediation/],
      [{ executionEnabled: false }, /execution disabled/],
    ] as const) {
      const { agent, notify } = setup(options);
      const result = await agent.processLog({
        log: OOM,
        mode: 'auto',
        context: CONTEXT,
        principal: user,
      });
      expect(result.actions.every((a) => a.status === 'skipped')).toBe(true);
      expect(result.actions[0]?.reasons.join(' ')).toMatch(reason);
      expect(notify.calls).toEqual([]);
    }
  });

  it('denies everything, failing closed, when the policy engine throws or answers nonsense', async () => {
    for (const decide of [
      async () => {
        throw new Error('boom');
      },
      async () => ({ decision: 'maybe', reasons: [] }) as never,
    ]) {
      const engine: PolicyEngine = { name: 'broken', decide };
      const { agent, notify } = setup({ policyEngine: engine });
      const result = await agent.processLog({
        log: OOM,
        mode: 'auto',
        context: CONTEXT,
        principal: user,
      });
      expect(result.category).toBe('oom');
      for (const action of result.actions) {
        expect(action.decision).toBe('denied');
        expect(action.status).toBe('skipped');
        expect(action.reasons).toContain('policy engine unavailable');
      }
      expect(notify.calls).toEqual([]);
    }
  });

  it('denies once the blast radius of a target is reached within the window', async () => {
    const { clock, advance } = manualClock();
    const { agent, notify } = setup({ clock });
    const statuses: string[] = [];
    let reasons: string[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await agent.processLog({
        log: `${OOM}\nrun ${i}`,
        mode: 'auto',
        context: CONTEXT,
        principal: user,
      });
      statuses.push(result.actions[0]?.status ?? '');
      reasons = result.actions[0]?.reasons ?? [];
      advance(60_000);
    }
    expect(statuses).toEqual(['executed', 'executed', 'executed', 'skipped']);
    expect(reasons).toEqual([
      'blast radius reached: 3 executions on notify.send@payments/payments-api in the last 3600 s (limit 3)',
    ]);
    expect(notify.calls).toHaveLength(3);
    // Another tenant's target is counted apart, and the window moves on.
    advance(3_600_000);
    const later = await agent.processLog({
      log: `${OOM}\nlater`,
      mode: 'auto',
      context: CONTEXT,
      principal: user,
    });
    expect(later.actions[0]?.status).toBe('executed');
  });

  it('fails the action with the reason when a secret it needs is missing', async () => {
    const needy: Actuator = {
      plugin: 'notify',
      configured: true,
      async execute(_op, _params, context) {
        const token = await context.secrets?.get('chat#token');
        if (!token) throw new Error('secret "chat#token" is missing from the memory secret store');
        return { ok: true };
      },
    };
    const agent = createAgent({ actuators: [needy], secretStore: new MemorySecretStore() });
    const result = await agent.processLog({ log: OOM, mode: 'auto', principal: user });
    expect(result.actions[0]).toMatchObject({
      status: 'failed',
      error: 'secret "chat#token" is missing from the memory secret store',
    });
  });
});

describe('approvals', () => {
  async function pendingWebhook(options: Parameters<typeof createAgent>[0] = {}) {
    const env = setup(options);
    const result = await env.agent.processLog({
      log: OOM,
      mode: 'auto',
      context: CONTEXT,
      principal: user,
    });
    const action = result.actions.find((a) => a.plugin === 'webhook')!;
    expect(action.status).toBe('pending_approval');
    return { ...env, action, incidentId: result.incidentId };
  }

  it('runs an approved action exactly once under 20 concurrent approvals', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const webhook = recording('webhook', () => gate);
    const { agent, action } = await pendingWebhook({
      actuators: [recording('notify').actuator, webhook.actuator, recording('command').actuator],
    });
    const attempts = Array.from({ length: 20 }, () => agent.approveAction(action.actionId, admin));
    setTimeout(release, 20);
    const settled = await Promise.allSettled(attempts);
    const won = settled.filter((s) => s.status === 'fulfilled');
    const lost = settled.filter((s) => s.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const l of lost)
      expect((l as PromiseRejectedResult).reason).toBeInstanceOf(ActionNotPendingError);
    expect(webhook.calls).toHaveLength(1);
    const done = (won[0] as PromiseFulfilledResult<Awaited<(typeof attempts)[number]>>).value;
    expect(done).toMatchObject({
      status: 'executed',
      decidedBy: 'admin-key',
      output: 'webhook done',
    });
    expect(done.executedAt).not.toBeNull();
    const events = (await agent.listAudit({ limit: 50 }, admin)).items.map((e) => e.event);
    expect(events.filter((e) => e === 'action.approved')).toHaveLength(1);
    await expect(agent.approveAction(action.actionId, admin)).rejects.toThrow(/status is executed/);
  });

  it('rejects exactly once and never runs a rejected action', async () => {
    const { agent, action, webhook, incidentId } = await pendingWebhook();
    const rejected = await agent.rejectAction(action.actionId, admin, 'not during the freeze');
    // The incident shows its actions as they stand now.
    const incident = await agent.getIncident(incidentId, user);
    expect(incident.result.actions.find((a) => a.actionId === action.actionId)?.status).toBe(
      'rejected',
    );
    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: 'admin-key' });
    expect(rejected.reasons.at(-1)).toBe('rejected by admin-key: not during the freeze');
    await expect(agent.rejectAction(action.actionId, admin)).rejects.toBeInstanceOf(
      ActionNotPendingError,
    );
    await expect(agent.approveAction(action.actionId, admin)).rejects.toBeInstanceOf(
      ActionNotPendingError,
    );
    expect(webhook.calls).toEqual([]);
    await expect(agent.approveAction('no-such-action', admin)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('expires pending approvals after the TTL', async () => {
    const { clock, advance } = manualClock();
    const { agent, action, webhook } = await pendingWebhook({ clock, approvalTtlSec: 60 });
    advance(61_000);
    await expect(agent.approveAction(action.actionId, admin)).rejects.toThrow(/expired/);
    expect(webhook.calls).toEqual([]);
    const pending = await agent.listActions({ status: 'pending_approval', limit: 10 }, admin);
    expect(pending.items).toEqual([]); // the command one expired in the sweep
    const skipped = await agent.listActions({ status: 'skipped', limit: 10 }, admin);
    expect(skipped.items.map((a) => a.reasons.at(-1))).toEqual([
      'approval expired',
      'approval expired',
    ]);
  });

  it('checks licence, execution switch and blast radius again at approval', async () => {
    const store = new MemoryKnowledgeStore();
    // Planned by one process, approved after a restart with other settings.
    const { action } = await pendingWebhook({ store });
    const noLicence = setup({ store, autoRemediationAllowed: async () => false }).agent;
    const skipped = await noLicence.approveAction(action.actionId, admin);
    expect(skipped.status).toBe('skipped');
    expect(skipped.reasons.at(-1)).toMatch(/auto_remediation/);

    const { action: second } = await pendingWebhook({ store });
    const stopped = setup({ store, executionEnabled: false });
    expect((await stopped.agent.approveAction(second.actionId, admin)).reasons.at(-1)).toBe(
      'execution disabled',
    );
    expect(stopped.webhook.calls).toEqual([]);

    const { action: third } = await pendingWebhook({ store });
    const strict = setup({
      store,
      policyEngine: {
        name: 'strict',
        blastRadiusWindowSec: 3600,
        async decide(input) {
          return input.phase === 'approval'
            ? { decision: 'denied', reasons: [`blast radius reached on ${input.action.target}`] }
            : { decision: 'approval_required', reasons: ['ask'] };
        },
      },
    });
    const denied = await strict.agent.approveAction(third.actionId, admin);
    expect(denied).toMatchObject({ status: 'skipped', decision: 'denied' });
    expect(denied.reasons.at(-1)).toBe(
      'blast radius reached on webhook.trigger@payments/payments-api',
    );
    expect(strict.webhook.calls).toEqual([]);
  });

  it('keeps tenants apart for non-admin callers', async () => {
    const { agent, action } = await pendingWebhook();
    const other: Principal = { keyId: 'k2', tenant: 'globex', role: 'user' };
    await expect(agent.approveAction(action.actionId, other)).rejects.toBeInstanceOf(NotFoundError);
    expect((await agent.listActions({ limit: 10 }, other)).items).toEqual([]);
    expect((await agent.listAudit({ limit: 10 }, other)).items).toEqual([]);
  });
});

describe('plan parameters from the log', () => {
  const scope = { namespace: 'payments', allowedPathRoots: ['/var/log', '/data'] };
  const plan = (category: 'oom' | 'disk_full', entities: Record<string, string>) =>
    planActions({ category, entities, summary: 's', votes: [], scope });

  it('rejects an option where a name belongs, another namespace, a path outside the roots', () => {
    const option = plan('oom', { namespace: 'payments', service: '--all' });
    expect(option.find((s) => s.plugin === 'command')?.invalid).toMatch(
      /args\.deployment rejected: must be a lowercase DNS-style name/,
    );
    const elsewhere = plan('oom', { namespace: 'kube-system', service: 'api' });
    expect(elsewhere.find((s) => s.plugin === 'command')?.invalid).toMatch(
      /args\.namespace rejected: must be the request context's namespace "payments"/,
    );
    expect(elsewhere.find((s) => s.plugin === 'webhook')?.invalid).toMatch(/namespace/);
    const outside = plan('disk_full', { path: '/etc/shadow' });
    expect(outside.find((s) => s.plugin === 'command')?.invalid).toMatch(
      /args\.path rejected: must be inside an allowed root \(\/var\/log, \/data\)/,
    );
    const climbing = plan('disk_full', { path: '/var/log/../../etc' });
    expect(climbing.find((s) => s.plugin === 'command')?.invalid).toMatch(/no \. or \.\. segments/);
    const fine = plan('disk_full', { path: '/data/pg/base' });
    expect(fine.find((s) => s.plugin === 'command')).toMatchObject({
      invalid: null,
      params: { command: 'disk-usage', args: { path: '/data/pg/base' } },
    });
  });

  it('leaves optional placeholders out and names what is missing', () => {
    const steps = planActions({ category: 'oom', entities: {}, summary: 'oom here', votes: [] });
    expect(steps[0]).toMatchObject({
      plugin: 'notify',
      params: { text: 'oom here', category: 'oom' },
      invalid: null,
      target: 'notify.send@-/-',
    });
    expect(steps[1]?.params).toEqual({ hook: 'runbook', category: 'oom', summary: 'oom here' });
    expect(steps[2]?.invalid).toBe('no namespace, service found in the log or context');
  });

  it('finds the path a disk failure names, not a URL path', () => {
    const evidence = (text: string) => [
      { line: 1, text, category: 'disk_full' as const, weight: 1 },
    ];
    expect(
      pathEntity('disk_full', evidence('write /var/lib/pg/base/16384: No space left on device')),
    ).toBe('/var/lib/pg/base/16384');
    expect(pathEntity('disk_full', evidence('GET /api/orders failed: ENOSPC'))).toBeUndefined();
    expect(pathEntity('oom', evidence('write /var/lib/x/y: oom'))).toBeUndefined();
  });
});
