import {
  type ActionRecord,
  type AuditEntry,
  type KnowledgeStore,
  type StoredIncident,
  ValidationError,
} from '@agent/core';
import { describe, expect, it } from 'vitest';

/**
 * The ActionStore part of the KnowledgeStore contract (the approvals queue,
 * the blast-radius history, the audit log), run by every store's conformance
 * suite. Only tests import this file.
 */
export function describeActionStoreContract(
  current: () => KnowledgeStore,
  peerOrSelf: () => Promise<KnowledgeStore>,
  makeIncident: (
    o: Partial<Omit<StoredIncident, 'result'>> & { incidentId: string },
  ) => StoredIncident,
): void {
  const store = () => current();

  async function withIncident(incidentId: string, tenant = 'acme') {
    await store().saveIncident(makeIncident({ incidentId, tenant }));
  }

  describe('actions', () => {
    it('returns saved actions exactly as saved, inside their tenant', async () => {
      await withIncident('inc-1');
      const action = makeAction({ actionId: 'a1', output: 'sent', error: undefined });
      await store().saveActions([action, makeAction({ actionId: 'a2' })]);
      expect(await store().getAction('a1', 'acme')).toEqual(action);
      expect(await store().getAction('a1', null)).toEqual(action);
      expect(await store().getAction('a1', 'globex')).toBeNull();
      expect(await store().getAction('nope', null)).toBeNull();
      await store().saveActions([]);
    });

    it('lists newest first, filtered by tenant, status and expiry, in pages', async () => {
      await withIncident('inc-1');
      await withIncident('inc-2', 'globex');
      const at = (n: number) => `2026-11-26T12:00:0${n}.000Z`;
      await store().saveActions([
        makeAction({ actionId: 'a1', createdAt: at(1), status: 'executed' }),
        makeAction({ actionId: 'a2', createdAt: at(2), expiresAt: '2026-11-27T00:00:00.000Z' }),
        makeAction({ actionId: 'a3', createdAt: at(2), expiresAt: '2026-11-26T13:00:00.000Z' }),
        makeAction({ actionId: 'a4', createdAt: at(3), incidentId: 'inc-2', tenant: 'globex' }),
      ]);
      const ids = (page: { items: ActionRecord[] }) => page.items.map((a) => a.actionId);
      expect(ids(await store().listActions({ tenant: null, limit: 10 }))).toEqual([
        'a4',
        'a3',
        'a2',
        'a1',
      ]);
      expect(ids(await store().listActions({ tenant: 'acme', limit: 10 }))).toEqual([
        'a3',
        'a2',
        'a1',
      ]);
      const pending = await store().listActions({
        tenant: null,
        status: 'pending_approval',
        limit: 10,
      });
      expect(ids(pending)).toEqual(['a4', 'a3', 'a2']);
      const expired = await store().listActions({
        tenant: null,
        status: 'pending_approval',
        expiresBefore: '2026-11-26T13:00:00.000Z',
        limit: 10,
      });
      expect(ids(expired)).toEqual(['a3']);
      const ofIncident = await store().listActions({
        tenant: null,
        incidentId: 'inc-2',
        limit: 10,
      });
      expect(ids(ofIncident)).toEqual(['a4']);

      const first = await store().listActions({ tenant: null, limit: 2 });
      expect(ids(first)).toEqual(['a4', 'a3']);
      const second = await store().listActions({
        tenant: null,
        limit: 2,
        cursor: first.nextCursor ?? undefined,
      });
      expect(ids(second)).toEqual(['a2', 'a1']);
      expect(second.nextCursor).toBeNull();
      await expect(store().listActions({ tenant: null, limit: 2, cursor: 'bad!' })).rejects.toThrow(
        ValidationError,
      );
    });

    it('changes an action only while its status is the expected one', async () => {
      await withIncident('inc-1');
      await store().saveActions([makeAction({ actionId: 'a1', output: 'old' })]);
      const change = {
        status: 'rejected' as const,
        updatedAt: '2026-11-26T12:05:00.000Z',
        decidedBy: 'admin-key',
        reasons: ['rejected by admin-key'],
        output: null,
      };
      expect(await store().updateAction('a1', change, 'executed')).toBeNull();
      const updated = await store().updateAction('a1', change, 'pending_approval');
      expect(updated).toMatchObject({
        status: 'rejected',
        decidedBy: 'admin-key',
        reasons: ['rejected by admin-key'],
        updatedAt: '2026-11-26T12:05:00.000Z',
      });
      expect(updated?.output).toBeUndefined();
      expect(await store().updateAction('a1', change, 'pending_approval')).toBeNull();
      const forced = await store().updateAction(
        'a1',
        {
          status: 'failed',
          updatedAt: '2026-11-26T12:06:00.000Z',
          error: 'boom',
          executedAt: '2026-11-26T12:06:00.000Z',
        },
        null,
      );
      expect(forced).toMatchObject({ status: 'failed', error: 'boom', decidedBy: 'admin-key' });
      expect(await store().updateAction('nope', change, null)).toBeNull();
      expect(await store().getAction('a1', null)).toEqual(forced);
    });

    // PostgreSQL text cannot hold U+0000 (a statement binding one fails with
    // 22021); an actuator's output can have NUL bytes, and a URL can carry
    // one in an id. Keys with U+0000 find nothing; text keeps its place, with
    // U+0000 as U+FFFD where the database cannot hold it.
    it('stores output and errors with U+0000, and finds nothing by a key holding one', async () => {
      await withIncident('inc-1');
      await store().saveActions([makeAction({ actionId: 'a1' })]);
      const output = 'pid 1: /sbin/init\u0000--log-level\u0000info';
      const executed = await store().updateAction(
        'a1',
        {
          status: 'executed',
          updatedAt: '2026-11-26T12:05:00.000Z',
          executedAt: '2026-11-26T12:05:00.000Z',
          output,
          error: 'stderr: \u0000',
        },
        null,
      );
      const kept = (text: string | undefined) => text?.replaceAll('\uFFFD', '\u0000');
      expect(kept(executed?.output)).toBe(output);
      const read = await store().getAction('a1', 'acme');
      expect(kept(read?.output)).toBe(output);
      expect(kept(read?.error)).toBe('stderr: \u0000');
      await store().appendAudit({
        at: '2026-11-26T12:05:00.000Z',
        actor: 'agent',
        tenant: 'acme',
        event: 'action.executed',
        subject: 'a1',
        decision: 'allowed',
        reasons: [],
        result: `executed: ${output}`,
      });

      expect(await store().getAction('a1\u0000', 'acme')).toBeNull();
      expect(await store().getIncident('inc-1\u0000', null)).toBeNull();
      expect(
        await store().updateAction(
          'a1\u0000',
          { status: 'failed', updatedAt: '2026-11-26T12:06:00.000Z' },
          null,
        ),
      ).toBeNull();
    });

    it('lets exactly one of 20 concurrent claims win (from two replicas where the store has them)', async () => {
      await withIncident('inc-1');
      await store().saveActions([makeAction({ actionId: 'a1' })]);
      const peer = await peerOrSelf();
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          (n % 2 === 0 ? store() : peer).updateAction(
            'a1',
            { status: 'failed', updatedAt: '2026-11-26T12:05:00.000Z', decidedBy: `admin-${n}` },
            'pending_approval',
          ),
        ),
      );
      const winners = claims.filter((c) => c !== null);
      expect(winners).toHaveLength(1);
      expect((await store().getAction('a1', null))?.decidedBy).toBe(winners[0]?.decidedBy);
    });

    it('counts executions per tenant and target since an instant', async () => {
      await withIncident('inc-1');
      await withIncident('inc-2', 'globex');
      const target = 'command.run@payments/api';
      await store().saveActions([
        makeAction({ actionId: 'a1', target, executedAt: '2026-11-26T10:00:00.000Z' }),
        makeAction({ actionId: 'a2', target, executedAt: '2026-11-26T11:30:00.000Z' }),
        makeAction({ actionId: 'a3', target, executedAt: null }),
        makeAction({
          actionId: 'a4',
          target: 'notify.send@payments/api',
          executedAt: '2026-11-26T11:40:00.000Z',
        }),
        makeAction({
          actionId: 'a5',
          target,
          tenant: 'globex',
          incidentId: 'inc-2',
          executedAt: '2026-11-26T11:45:00.000Z',
        }),
      ]);
      const count = (since: string, tenant = 'acme') =>
        store().countExecutions({ tenant, target, since });
      expect(await count('2026-11-26T09:00:00.000Z')).toBe(2);
      expect(await count('2026-11-26T11:30:00.000Z')).toBe(1);
      expect(await count('2026-11-26T12:00:00.000Z')).toBe(0);
      expect(await count('2026-11-26T09:00:00.000Z', 'globex')).toBe(1);
    });

    it('gives exactly N of 24 concurrent new actions an execution slot of one target (from two replicas where the store has them)', async () => {
      await withIncident('inc-1');
      const peer = await peerOrSelf();
      const target = 'notify.send@payments/payments-api';
      const reserve = (n: number) =>
        (n % 2 === 0 ? store() : peer).reserveExecution({
          action: makeAction({
            actionId: `r${n}`,
            target,
            status: 'failed',
            error: 'execution started and recorded no result',
            expiresAt: null,
          }),
          tenant: 'acme',
          target,
          since: '2026-11-26T11:00:00.000Z',
          limit: 3,
          at: '2026-11-26T12:00:00.000Z',
          executor: `replica-${n % 2}`,
        });
      const taken = await Promise.all(Array.from({ length: 24 }, (_, n) => reserve(n)));
      expect(taken.filter(Boolean)).toHaveLength(3);
      const count = { tenant: 'acme', target, since: '2026-11-26T11:00:00.000Z' };
      expect(await store().countExecutions(count)).toBe(3);
      // Only the actions that got a slot were stored, each marked as executing.
      const stored = await store().listActions({ tenant: null, limit: 50 });
      expect(stored.items).toHaveLength(3);
      expect(stored.items.every((a) => a.executedAt === '2026-11-26T12:00:00.000Z')).toBe(true);
      expect(await store().listExecuting({ limit: 50 })).toHaveLength(3);
    });

    it('gives exactly N of 20 concurrent approved actions an execution slot of one target', async () => {
      await withIncident('inc-1');
      const peer = await peerOrSelf();
      const target = 'webhook.trigger@payments/payments-api';
      await store().saveActions(
        Array.from({ length: 20 }, (_, n) => makeAction({ actionId: `p${n}`, target })),
      );
      const taken = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          (n % 2 === 0 ? store() : peer).reserveExecution({
            action: `p${n}`,
            tenant: 'acme',
            target,
            since: '2026-11-26T11:00:00.000Z',
            limit: 4,
            at: '2026-11-26T12:00:00.000Z',
            executor: 'replica',
          }),
        ),
      );
      expect(taken.filter(Boolean)).toHaveLength(4);
      const winners = taken.flatMap((ok, n) => (ok ? [`p${n}`] : []));
      for (let n = 0; n < 20; n++) {
        const action = await store().getAction(`p${n}`, null);
        expect(action?.executedAt).toBe(
          winners.includes(`p${n}`) ? '2026-11-26T12:00:00.000Z' : null,
        );
      }
    });

    it('counts slots in the window of the tenant and target only, and frees one given up', async () => {
      await withIncident('inc-1');
      await withIncident('inc-2', 'globex');
      const target = 'command.run@payments/api';
      await store().saveActions([
        makeAction({ actionId: 'old', target, executedAt: '2026-11-26T10:00:00.000Z' }),
        makeAction({ actionId: 'held', target, executedAt: '2026-11-26T11:30:00.000Z' }),
        makeAction({
          actionId: 'other-tenant',
          target,
          tenant: 'globex',
          incidentId: 'inc-2',
          executedAt: '2026-11-26T11:40:00.000Z',
        }),
        makeAction({ actionId: 'a1', target }),
        makeAction({ actionId: 'a2', target }),
      ]);
      const reserve = (action: string, limit: number | null = 2) =>
        store().reserveExecution({
          action,
          tenant: 'acme',
          target,
          since: '2026-11-26T11:00:00.000Z',
          limit,
          at: '2026-11-26T12:00:00.000Z',
          executor: 'me',
        });
      // 'old' is outside the window and 'other-tenant' another tenant's: one slot of two is held.
      expect(await reserve('a1')).toBe(true);
      expect(await reserve('a2')).toBe(false);
      // An action holds one slot at most; an unknown one none.
      expect(await reserve('a1', null)).toBe(false);
      expect(await reserve('nope', null)).toBe(false);
      // A slot given up without running stops counting.
      await store().updateAction(
        'held',
        { status: 'skipped', updatedAt: '2026-11-26T12:00:00.000Z', executedAt: null },
        null,
      );
      expect(await reserve('a2')).toBe(true);
      expect(await reserve('held', null)).toBe(true);
    });

    it('lists and ends execution claims by who holds them and how long they were left', async () => {
      await withIncident('inc-1');
      await store().saveActions([
        makeAction({ actionId: 'a1', updatedAt: '2026-11-26T12:00:00.000Z' }),
        makeAction({ actionId: 'a2', updatedAt: '2026-11-26T12:00:00.000Z' }),
        makeAction({ actionId: 'a3' }),
      ]);
      const claim = (actionId: string, executor: string, at: string) =>
        store().updateAction(
          actionId,
          { status: 'failed', error: 'running', updatedAt: at, executor },
          'pending_approval',
        );
      await claim('a1', 'host-a', '2026-11-26T12:01:00.000Z');
      await claim('a2', 'host-b', '2026-11-26T12:05:00.000Z');
      const ids = (claims: Array<{ action: ActionRecord; executor: string }>) =>
        claims.map((c) => `${c.action.actionId}:${c.executor}`);
      expect(ids(await store().listExecuting({ limit: 10 }))).toEqual(['a1:host-a', 'a2:host-b']);
      expect(ids(await store().listExecuting({ executor: 'host-b', limit: 10 }))).toEqual([
        'a2:host-b',
      ]);
      expect(
        ids(await store().listExecuting({ updatedBefore: '2026-11-26T12:01:00.000Z', limit: 10 })),
      ).toEqual(['a1:host-a']);
      expect(
        ids(
          await store().listExecuting({
            executor: 'host-b',
            updatedBefore: '2026-11-26T12:01:00.000Z',
            limit: 10,
          }),
        ),
      ).toEqual(['a1:host-a', 'a2:host-b']);
      const end = {
        status: 'failed' as const,
        error: 'interrupted',
        updatedAt: '2026-11-26T12:10:00.000Z',
        executor: null,
      };
      expect(await store().endExecutionClaim('a1', 'host-b', end)).toBeNull();
      expect(await store().endExecutionClaim('a1', 'host-a', end)).toMatchObject({
        status: 'failed',
        error: 'interrupted',
      });
      expect(await store().endExecutionClaim('a1', 'host-a', end)).toBeNull();
      // An outcome written with the claim ended leaves nothing to recover.
      await store().updateAction('a2', { ...end, status: 'executed', error: null }, null);
      expect(await store().listExecuting({ limit: 10 })).toEqual([]);
      expect(await store().getAction('a2', null)).toMatchObject({ status: 'executed' });
    });

    it('goes with its incident when retention prunes it', async () => {
      await store().saveIncident(
        makeIncident({ incidentId: 'old', tenant: 'acme', receivedAt: '2026-10-01T00:00:00.000Z' }),
      );
      await store().saveActions([makeAction({ actionId: 'a1', incidentId: 'old' })]);
      expect(await store().pruneIncidents('2026-11-01T00:00:00.000Z')).toBe(1);
      expect(await store().getAction('a1', null)).toBeNull();
      expect((await store().listActions({ tenant: null, limit: 10 })).items).toEqual([]);
    });
  });

  describe('audit log', () => {
    const entry = (n: number, tenant: string | null = 'acme'): AuditEntry => ({
      at: '2026-11-26T12:00:00.000Z',
      actor: `key-${n}`,
      tenant,
      event: n % 2 === 0 ? 'policy.decision' : 'action.executed',
      subject: `a${n}`,
      decision: n % 2 === 0 ? 'allowed' : null,
      reasons: n % 2 === 0 ? ['low-risk action', 'ünïcødé ✓'] : [],
      result: `r${n}`,
    });

    it('lists entries newest first (appended order even when timestamps tie), by tenant, in pages', async () => {
      for (let n = 1; n <= 5; n++) await store().appendAudit(entry(n, n === 3 ? 'globex' : 'acme'));
      await store().appendAudit(entry(6, null));
      const all = await store().listAudit({ tenant: null, limit: 10 });
      expect(all.items.map((e) => e.subject)).toEqual(['a6', 'a5', 'a4', 'a3', 'a2', 'a1']);
      expect(all.items[2]).toEqual(entry(4));
      expect(all.nextCursor).toBeNull();
      const acme = await store().listAudit({ tenant: 'acme', limit: 2 });
      expect(acme.items.map((e) => e.subject)).toEqual(['a5', 'a4']);
      const rest = await store().listAudit({
        tenant: 'acme',
        limit: 2,
        cursor: acme.nextCursor ?? undefined,
      });
      expect(rest.items.map((e) => e.subject)).toEqual(['a2', 'a1']);
      expect(rest.nextCursor).toBeNull();
      await expect(store().listAudit({ tenant: null, limit: 2, cursor: 'nope!' })).rejects.toThrow(
        ValidationError,
      );
    });
  });
}

export function makeAction(overrides: Partial<ActionRecord> & { actionId: string }): ActionRecord {
  return {
    plugin: 'webhook',
    operation: 'trigger',
    params: { hook: 'runbook', category: 'oom', nested: { list: [1, 'two', null] } },
    risk: 'medium',
    description: 'Raise the memory limit or find the leak',
    decision: 'approval_required',
    reasons: ['medium-risk action needs approval'],
    status: 'pending_approval',
    incidentId: 'inc-1',
    tenant: 'acme',
    target: 'webhook.trigger@payments/payments-api',
    createdAt: '2026-11-26T12:00:00.000Z',
    updatedAt: '2026-11-26T12:00:00.000Z',
    decidedBy: null,
    expiresAt: '2026-11-27T12:00:00.000Z',
    executedAt: null,
    review: {
      category: 'oom',
      confidence: 0.91,
      learned: false,
      context: { namespace: 'payments', environment: 'production' },
      mode: 'auto',
      requestedBy: { keyId: 'k1', tenant: 'acme', role: 'user' },
    },
    ...overrides,
  };
}
