import { describe, expect, it } from 'vitest';
import { createAgent } from './agent.js';
import { ForbiddenError, NotFoundError, ValidationError } from './domain/errors.js';
import type { Principal } from './domain/types.js';
import type { Actuator } from './ports/actuator.js';

const user: Principal = { keyId: 'k1', tenant: 'acme', role: 'user' };

const OOM_CRASHLOOP = [
  '2026-11-20T10:00:01Z INFO  starting payments-api version=1.4.2',
  '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
  '    at com.acme.payments.Ledger.load(Ledger.java:88)',
  '    at com.acme.payments.Main.main(Main.java:12)',
  'Warning  BackOff  pod/payments-api-7d9f8b6c4-x2k9q  Back-off restarting failed container',
  'pod payments-api-7d9f8b6c4-x2k9q is in CrashLoopBackOff',
].join('\n');

const HEALTHY = [
  '2026-11-20T10:00:01Z INFO server listening on :8080',
  '2026-11-20T10:00:02Z INFO GET /healthz 200 1.2ms',
  '2026-11-20T10:00:03Z DEBUG cache warmed entries=1200',
].join('\n');

describe('createAgent().processLog', () => {
  it('works with no arguments and names the root cause, not the symptom', async () => {
    const agent = createAgent();
    const result = await agent.processLog({ log: OOM_CRASHLOOP });
    expect(result.category).toBe('oom');
    expect(result.severity).toBe('high');
    expect(result.evidence.some((e) => e.line === 2 && e.category === 'oom')).toBe(true);
    // The stack trace is one record: its frames are not separate templates.
    expect(result.templates.reduce((n, t) => n + t.count, 0)).toBe(4);
    expect(result.reasoning.strategy).toBe('reflective');
    expect(result.mode).toBe('safe');
    expect(result.actions.length).toBeGreaterThan(0);
    expect(result.actions.every((a) => a.status === 'dry_run')).toBe(true);
    expect(result.actions[0]?.plugin).toBe('notify');
  });

  it('calls a healthy log none, with info severity and no actions', async () => {
    const result = await createAgent().processLog({ log: HEALTHY });
    expect(result.category).toBe('none');
    expect(result.severity).toBe('info');
    expect(result.actions).toEqual([]);
    expect(result.evidence).toEqual([]);
  });

  it('calls an error that fits no category unknown', async () => {
    const result = await createAgent().processLog({
      log: 'ERROR reconciliation job failed: ledger totals differ by 3 entries',
    });
    expect(result.category).toBe('unknown');
  });

  it('follows the cycle rules: classic is one pass, reflective stops at the target or runs the maximum', async () => {
    const classic = await createAgent({ reasoning: { enableReflection: false } }).processLog({
      log: OOM_CRASHLOOP,
    });
    expect(classic.reasoning.strategy).toBe('classic');
    expect(classic.reasoning.cycles).toBe(1);

    const unreachable = await createAgent({ reasoning: { maxCycles: 4, target: 1 } }).processLog({
      log: OOM_CRASHLOOP,
    });
    expect(unreachable.reasoning.cycles).toBe(4);
    expect(unreachable.reasoning.trace.filter((s) => s.phase === 'evaluate')).toHaveLength(4);

    const easy = await createAgent({ reasoning: { maxCycles: 4, target: 0.1 } }).processLog({
      log: OOM_CRASHLOOP,
    });
    expect(easy.reasoning.cycles).toBe(1);
  });

  it('leaves the trace empty when include_trace is false', async () => {
    const result = await createAgent().processLog({ log: OOM_CRASHLOOP, includeTrace: false });
    expect(result.reasoning.trace).toEqual([]);
    expect(result.reasoning.cycles).toBeGreaterThanOrEqual(1);
  });

  it('redacts secrets before they reach the result', async () => {
    const result = await createAgent().processLog({
      log: 'ERROR connect ECONNREFUSED postgres://app:hunter2@db:5432/app password=s3cret',
    });
    const text = JSON.stringify(result);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cret');
    expect(result.category).toBe('connection_refused');
  });

  it('rejects an empty log and anonymous auto mode', async () => {
    const agent = createAgent();
    await expect(agent.processLog({ log: '  \n ' })).rejects.toBeInstanceOf(ValidationError);
    await expect(agent.processLog({ log: OOM_CRASHLOOP, mode: 'auto' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('stores every incident in the tenant of its principal', async () => {
    const agent = createAgent();
    const result = await agent.processLog({ log: OOM_CRASHLOOP, principal: user });
    const stored = await agent.getIncident(result.incidentId, user);
    expect(stored.tenant).toBe('acme');
    expect(stored.result.category).toBe('oom');
    await expect(
      agent.getIncident(result.incidentId, { keyId: 'k2', tenant: 'other', role: 'user' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const again = await agent.processLog({ log: OOM_CRASHLOOP, principal: user });
    expect(again.similarIncidents.map((s) => s.incidentId)).toContain(result.incidentId);
  });

  it('gives incidents and actions UUIDv7 ids, time-ordered', async () => {
    // Every log a new incident (dedup off), one after the other.
    const agent = createAgent({ dedupWindowSec: 0 });
    const incidents: string[] = [];
    const actions: string[] = [];
    for (let i = 0; i < 20; i++) {
      const result = await agent.processLog({ log: OOM_CRASHLOOP, principal: user });
      incidents.push(result.incidentId);
      actions.push(...result.actions.map((a) => a.actionId));
    }
    expect(actions.length).toBeGreaterThanOrEqual(20);
    for (const id of [...incidents, ...actions]) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set([...incidents, ...actions]).size).toBe(incidents.length + actions.length);
    // Ordered to the millisecond (within one, their order is random).
    const millisOf = (id: string) => id.replace(/-/g, '').slice(0, 12);
    expect(incidents.map(millisOf)).toEqual(incidents.map(millisOf).sort());
    expect(actions.map(millisOf)).toEqual(actions.map(millisOf).sort());
  });
});

describe('auto mode', () => {
  function recordingActuator(plugin: string, configured = true) {
    const calls: { operation: string; params: Record<string, unknown> }[] = [];
    const actuator: Actuator = {
      plugin,
      configured,
      async execute(operation, params) {
        calls.push({ operation, params });
        return { ok: true, output: 'sent' };
      },
    };
    return { actuator, calls };
  }

  it('executes only what policy allows and skips unconfigured plugins without asking policy', async () => {
    const notify = recordingActuator('notify');
    const agent = createAgent({ actuators: [notify.actuator] });
    const result = await agent.processLog({ log: OOM_CRASHLOOP, mode: 'auto', principal: user });
    const sent = result.actions.find((a) => a.plugin === 'notify');
    expect(sent?.decision).toBe('allowed');
    expect(sent?.status).toBe('executed');
    expect(notify.calls).toHaveLength(1);
    const webhook = result.actions.find((a) => a.plugin === 'webhook');
    expect(webhook?.status).toBe('skipped');
    expect(webhook?.decision).toBe('denied');
    expect(webhook?.reasons).toContain('plugin webhook is not configured');
  });

  it('never executes when execution is disabled', async () => {
    const notify = recordingActuator('notify');
    const agent = createAgent({ actuators: [notify.actuator], executionEnabled: false });
    const result = await agent.processLog({ log: OOM_CRASHLOOP, mode: 'auto', principal: user });
    expect(result.actions.find((a) => a.plugin === 'notify')?.status).toBe('skipped');
    expect(notify.calls).toHaveLength(0);
  });

  it('skips an action whose parameter from the log does not fit its schema', async () => {
    const command = recordingActuator('command');
    const agent = createAgent({ actuators: [command.actuator] });
    const result = await agent.processLog({
      log: 'pod payments is in CrashLoopBackOff namespace=--all-namespaces',
      mode: 'auto',
      principal: user,
      context: { service: 'payments' },
    });
    const restart = result.actions.find((a) => a.plugin === 'command');
    expect(restart?.status).toBe('skipped');
    expect(restart?.reasons.join(' ')).toMatch(/namespace/);
    expect(command.calls).toHaveLength(0);
  });
});

describe('votePlugin', () => {
  it('tallies votes and names the known plugins for an unknown one', async () => {
    const agent = createAgent();
    await agent.votePlugin({ plugin: 'webhook', direction: 'up', category: 'oom' });
    const tally = await agent.votePlugin({ plugin: 'webhook', direction: 'up', category: 'oom' });
    expect(tally).toMatchObject({ plugin: 'webhook', category: 'oom', up: 2, down: 0 });
    expect(tally.score).toBeGreaterThan(0);
    expect(tally.score).toBeLessThan(1);
    await expect(agent.votePlugin({ plugin: 'nope', direction: 'up' })).rejects.toThrow(
      /known plugins: notify, webhook, command/,
    );
  });
});
