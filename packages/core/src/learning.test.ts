import { describe, expect, it } from 'vitest';
import { createAgent } from './agent.js';
import { NotFoundError, ValidationError } from './domain/errors.js';
import type { Principal } from './domain/types.js';
import { MemoryKnowledgeStore } from './memory/memory-knowledge-store.js';
import type { Actuator } from './ports/actuator.js';
import type { Clock } from './ports/clock.js';

const acme: Principal = { keyId: 'k-acme', tenant: 'acme', role: 'user' };
const globex: Principal = { keyId: 'k-globex', tenant: 'globex', role: 'user' };

// A failure the catalog reads as a timeout; operators know it is really the
// database's connection limit (the pool waits, then times out).
const POOL_TIMEOUT = [
  '2026-11-20T10:00:01Z INFO  billing-worker started',
  '2026-11-20T10:03:12Z ERROR read timed out after 30000ms while waiting for ledger-db',
  '2026-11-20T10:03:42Z ERROR read timed out after 30000ms while waiting for ledger-db',
].join('\n');

const OOM = [
  '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
  'pod payments-api-7d9f8b6c4-x2k9q is in CrashLoopBackOff',
].join('\n');

const DNS = [
  'Nov 26 09:14:02 web-3 checkout[2211]: dial tcp: lookup orders.internal on 10.96.0.10:53: no such host',
  'Nov 26 09:14:07 web-3 checkout[2211]: GET /api/orders failed: context deadline exceeded',
].join('\n');

function notifyActuator(): Actuator {
  return {
    plugin: 'notify',
    configured: true,
    async execute() {
      return { ok: true, output: 'sent' };
    },
  };
}

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 10, 26, 12)): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => new Date(now),
    monotonicMs: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('learning from feedback', () => {
  it('applies a corrected category to the next log with the same signature, saying so', async () => {
    const agent = createAgent();
    const first = await agent.processLog({ log: POOL_TIMEOUT, principal: acme });
    expect(first.category).toBe('timeout');
    expect(first.learned).toBeUndefined();

    const feedback = await agent.giveFeedback({
      incidentId: first.incidentId,
      category: 'db_connection_limit',
      principal: acme,
    });
    expect(feedback).toEqual({ incidentId: first.incidentId, learned: true });

    // Another log with the same templates (other numbers) is recognised.
    const next = await agent.processLog({
      log: POOL_TIMEOUT.replaceAll('30000ms', '15000ms'),
      principal: acme,
    });
    expect(next.category).toBe('db_connection_limit');
    expect(next.learned).toEqual({
      fromIncidentId: first.incidentId,
      observedCategory: 'timeout',
    });
    expect(next.signature).toBe(first.signature);
    const learnedEvidence = next.evidence[0];
    expect(learnedEvidence?.learnedFrom).toBe(first.incidentId);
    expect(learnedEvidence?.text).toContain(`learned from incident ${first.incidentId}`);
    expect(learnedEvidence?.line).toBeGreaterThanOrEqual(1);
    expect(next.rootCause).toContain(first.incidentId);
    expect(next.reasoning.trace.at(-1)?.message).toMatch(/learned pattern/);
    // Recall shows the corrected incident as what it really was.
    expect(next.similarIncidents[0]).toMatchObject({
      incidentId: first.incidentId,
      category: 'db_connection_limit',
    });
  });

  it('sends actions of a learned category to policy marked learned (approval needed)', async () => {
    const agent = createAgent({ actuators: [notifyActuator()] });
    const first = await agent.processLog({ log: POOL_TIMEOUT, mode: 'auto', principal: acme });
    const sent = first.actions.find((a) => a.plugin === 'notify');
    expect(sent?.decision).toBe('allowed');
    await agent.giveFeedback({
      incidentId: first.incidentId,
      category: 'db_connection_limit',
      principal: acme,
    });
    const next = await agent.processLog({ log: POOL_TIMEOUT, mode: 'auto', principal: acme });
    const notify = next.actions.find((a) => a.plugin === 'notify');
    expect(notify?.decision).toBe('approval_required');
    expect(notify?.status).toBe('pending_approval');
    expect(notify?.reasons.join(' ')).toMatch(/learned/);
  });

  it('keeps learned patterns inside the tenant that taught them', async () => {
    const agent = createAgent();
    const first = await agent.processLog({ log: POOL_TIMEOUT, principal: acme });
    await agent.giveFeedback({
      incidentId: first.incidentId,
      category: 'db_connection_limit',
      principal: acme,
    });
    const other = await agent.processLog({ log: POOL_TIMEOUT, principal: globex });
    expect(other.category).toBe('timeout');
    expect(other.similarIncidents).toEqual([]);
    // Nor can another tenant give feedback on it.
    await expect(
      agent.giveFeedback({ incidentId: first.incidentId, resolved: true, principal: globex }),
    ).rejects.toThrow(NotFoundError);
  });

  it('confirming the diagnosed category learns nothing', async () => {
    const agent = createAgent();
    const first = await agent.processLog({ log: DNS, principal: acme });
    expect(
      await agent.giveFeedback({
        incidentId: first.incidentId,
        category: first.category,
        principal: acme,
      }),
    ).toEqual({ incidentId: first.incidentId, learned: false });
    const next = await agent.processLog({ log: DNS, principal: acme });
    expect(next.learned).toBeUndefined();
  });

  it('shows how similar incidents were resolved', async () => {
    const agent = createAgent();
    const first = await agent.processLog({ log: DNS, principal: acme });
    const notify = first.actions.find((a) => a.plugin === 'notify');
    await agent.giveFeedback({
      incidentId: first.incidentId,
      resolved: true,
      actionId: notify?.actionId,
      outcome: 'success',
      principal: acme,
    });
    const next = await agent.processLog({ log: DNS, principal: acme });
    expect(next.similarIncidents).toEqual([
      {
        incidentId: first.incidentId,
        category: first.category,
        seenAt: expect.any(String),
        resolved: true,
        resolution: 'notify.send succeeded',
      },
    ]);
    const stored = await agent.getIncident(first.incidentId, acme);
    expect(stored.feedback).toMatchObject({ resolved: true, resolution: 'notify.send succeeded' });
  });

  it('ranks plugins by votes and outcomes together', async () => {
    const agent = createAgent();
    const first = await agent.processLog({ log: OOM, principal: acme });
    const ranked = first.actions.map((a) => a.plugin).filter((p) => p !== 'notify');
    expect(ranked.length).toBeGreaterThanOrEqual(2);
    const [leader, runnerUp] = ranked as [string, string];
    const actionOf = (plugin: string) => first.actions.find((a) => a.plugin === plugin)?.actionId;
    for (let n = 0; n < 5; n++) {
      await agent.giveFeedback({
        incidentId: first.incidentId,
        actionId: actionOf(runnerUp),
        outcome: 'success',
        principal: acme,
      });
      await agent.giveFeedback({
        incidentId: first.incidentId,
        actionId: actionOf(leader),
        outcome: 'failure',
        principal: acme,
      });
    }
    const next = await agent.processLog({ log: OOM, principal: acme });
    const order = next.actions.map((a) => a.plugin).filter((p) => p !== 'notify');
    expect(order.indexOf(runnerUp)).toBeLessThan(order.indexOf(leader));
    // One down-vote does not undo five reported successes.
    const tally = await agent.votePlugin({
      plugin: runnerUp,
      direction: 'down',
      category: 'oom',
      principal: acme,
    });
    expect(tally).toMatchObject({ up: 0, down: 1, successes: 5, failures: 0 });
    expect(tally.score).toBeGreaterThan(0.3);
  });

  it('refuses feedback that says nothing, or an outcome without its action', async () => {
    const agent = createAgent();
    const first = await agent.processLog({ log: DNS, principal: acme });
    await expect(
      agent.giveFeedback({ incidentId: first.incidentId, principal: acme }),
    ).rejects.toThrow(ValidationError);
    await expect(
      agent.giveFeedback({ incidentId: first.incidentId, outcome: 'success', principal: acme }),
    ).rejects.toThrow(/action_id/);
    await expect(
      agent.giveFeedback({ incidentId: first.incidentId, actionId: 'x', principal: acme }),
    ).rejects.toThrow(/outcome/);
    await expect(
      agent.giveFeedback({
        incidentId: first.incidentId,
        actionId: 'not-an-action',
        outcome: 'failure',
        principal: acme,
      }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      agent.giveFeedback({ incidentId: 'nope', resolved: true, principal: acme }),
    ).rejects.toThrow(NotFoundError);
  });
});

describe('incident storms', () => {
  it('counts a repeat within the window as the same incident, with no new actions', async () => {
    const clock = manualClock();
    const agent = createAgent({ dedupWindowSec: 300, clock });
    const first = await agent.processLog({ log: DNS, principal: acme });
    expect(first).toMatchObject({ occurrences: 1, deduplicated: false });
    expect(first.actions.length).toBeGreaterThan(0);

    clock.advance(60_000);
    const second = await agent.processLog({ log: DNS, principal: acme });
    expect(second).toMatchObject({
      incidentId: first.incidentId,
      occurrences: 2,
      deduplicated: true,
      actions: [],
      category: first.category,
    });
    expect(second.similarIncidents.map((s) => s.incidentId)).not.toContain(first.incidentId);

    const stored = await agent.getIncident(first.incidentId, acme);
    expect(stored.occurrences).toBe(2);
    expect(stored.result.actions).toEqual(first.actions);

    // Another tenant's storm is its own incident.
    const other = await agent.processLog({ log: DNS, principal: globex });
    expect(other.deduplicated).toBe(false);

    // After a quiet window, a new incident.
    clock.advance(301_000);
    const later = await agent.processLog({ log: DNS, principal: acme });
    expect(later.deduplicated).toBe(false);
    expect(later.incidentId).not.toBe(first.incidentId);
    expect(later.similarIncidents.map((s) => s.incidentId)).toContain(first.incidentId);
  });

  it('is off with window 0 (the library default)', async () => {
    const agent = createAgent();
    const first = await agent.processLog({ log: DNS });
    const second = await agent.processLog({ log: DNS });
    expect(second.incidentId).not.toBe(first.incidentId);
    expect(second.deduplicated).toBe(false);
  });
});

describe('retention and miner state', () => {
  it('prunes incidents last seen before the retention period', async () => {
    const clock = manualClock();
    const agent = createAgent({ clock });
    const old = await agent.processLog({ log: DNS });
    clock.advance(10 * 86_400_000);
    const recent = await agent.processLog({ log: POOL_TIMEOUT });
    expect(await agent.pruneIncidents(5)).toBe(1);
    await expect(agent.getIncident(old.incidentId)).rejects.toThrow(NotFoundError);
    expect((await agent.getIncident(recent.incidentId)).incidentId).toBe(recent.incidentId);
    await expect(agent.pruneIncidents(0)).rejects.toThrow(ValidationError);
  });

  it('saves the miner state at most once per interval, and on close', async () => {
    const store = new MemoryKnowledgeStore();
    let saves = 0;
    const save = store.saveMinerState.bind(store);
    store.saveMinerState = async (state) => {
      saves += 1;
      await save(state);
    };
    const clock = manualClock();
    const agent = createAgent({ store, clock, minerSaveIntervalMs: 5000 });
    for (let n = 0; n < 10; n++) await agent.processLog({ log: DNS });
    expect(saves).toBe(1);
    clock.advance(5000);
    await agent.processLog({ log: POOL_TIMEOUT });
    await new Promise((resolve) => setImmediate(resolve));
    expect(saves).toBe(2);
    await agent.processLog({ log: DNS });
    await agent.close();
    expect(saves).toBe(3);
    expect(await store.loadMinerState()).not.toBeNull();
  });
});
