import {
  type AnalysisResult,
  type AuditEntry,
  type Category,
  type FeedbackRecord,
  type KnowledgeStore,
  type Severity,
  type StoredIncident,
  StoreUnavailableError,
  ValidationError,
  type VoteTally,
} from '@agent/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeActionStoreContract, makeAction } from './action-store-conformance.js';
import {
  createKnowledgeStore,
  type KnowledgeStoreOptions,
  runMigrations,
} from './create-knowledge-store.js';
import { knowledgeMigrations } from './migrations/migration-provider.js';
import type { SqlDialectName } from './schema.js';

/**
 * The KnowledgeStore contract, as tests. Every implementation runs the same
 * suite: the in-memory reference store in core, SQLite and PostgreSQL. Only
 * tests import this file; it is not part of the package's public surface.
 */
export interface StoreUnderTest {
  store: KnowledgeStore;
  /**
   * Another store over the same data, as a second replica would open it.
   * Absent for stores that cannot share their data (in-memory).
   */
  openPeer?: (() => Promise<KnowledgeStore>) | undefined;
}

export interface ConformanceTarget {
  name: string;
  /** A store over empty data. */
  open: () => Promise<StoreUnderTest>;
  /** Registers the suite as skipped (say why where the target is built). */
  skip?: boolean | undefined;
}

export function describeKnowledgeStoreConformance(target: ConformanceTarget): void {
  const describeTarget = target.skip ? describe.skip : describe;

  describeTarget(`KnowledgeStore contract: ${target.name}`, () => {
    let store: KnowledgeStore;
    let openPeer: (() => Promise<KnowledgeStore>) | undefined;
    const opened: KnowledgeStore[] = [];

    beforeEach(async () => {
      const underTest = await target.open();
      store = underTest.store;
      openPeer = underTest.openPeer;
      opened.push(store);
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    async function peerOrSelf(): Promise<KnowledgeStore> {
      if (openPeer === undefined) return store;
      const peer = await openPeer();
      opened.push(peer);
      return peer;
    }

    describe('incidents', () => {
      it('returns a saved incident exactly as it was saved', async () => {
        const incident = makeIncident({ incidentId: 'inc-1', tenant: 'acme' });
        await store.saveIncident(incident);

        const found = await store.getIncident('inc-1', 'acme');
        expect(found).toEqual(incident);
        expect(JSON.stringify(found?.result)).toBe(JSON.stringify(incident.result));
      });

      it('replaces an incident saved again under the same id', async () => {
        const first = makeIncident({ incidentId: 'inc-1', tenant: 'acme' });
        await store.saveIncident(first);
        const again = { ...first, occurrences: 3, result: { ...first.result, summary: 'again' } };
        await store.saveIncident(again);

        expect(await store.getIncident('inc-1', 'acme')).toEqual(again);
        const page = await store.listIncidents({ tenant: 'acme', limit: 10 });
        expect(page.items).toHaveLength(1);
      });

      it('answers null for an unknown id', async () => {
        expect(await store.getIncident('nope', 'acme')).toBeNull();
        expect(await store.getIncident('nope', null)).toBeNull();
      });

      it('keeps incidents inside their tenant; a null tenant sees all', async () => {
        await store.saveIncident(makeIncident({ incidentId: 'inc-a', tenant: 'acme' }));
        await store.saveIncident(makeIncident({ incidentId: 'inc-b', tenant: 'globex' }));

        expect(await store.getIncident('inc-a', 'globex')).toBeNull();
        expect((await store.getIncident('inc-a', null))?.tenant).toBe('acme');
        expect((await store.getIncident('inc-b', 'globex'))?.tenant).toBe('globex');

        const acme = await store.listIncidents({ tenant: 'acme', limit: 10 });
        expect(acme.items.map((i) => i.incidentId)).toEqual(['inc-a']);
        const all = await store.listIncidents({ tenant: null, limit: 10 });
        expect(all.items.map((i) => i.incidentId).sort()).toEqual(['inc-a', 'inc-b']);
      });
    });

    describe('listIncidents', () => {
      beforeEach(async () => {
        const rows: Array<[string, string, Category, Severity]> = [
          ['inc-1', '2026-11-20T10:00:00.000Z', 'oom', 'critical'],
          ['inc-2', '2026-11-21T10:00:00.000Z', 'timeout', 'high'],
          ['inc-3', '2026-11-22T10:00:00.000Z', 'oom', 'high'],
          ['inc-4', '2026-11-23T10:00:00.000Z', 'disk_full', 'medium'],
          ['inc-5', '2026-11-24T10:00:00.000Z', 'oom', 'critical'],
        ];
        for (const [incidentId, receivedAt, category, severity] of rows) {
          await store.saveIncident(
            makeIncident({ incidentId, tenant: 'acme', receivedAt, category, severity }),
          );
        }
        await store.saveIncident(
          makeIncident({ incidentId: 'other-tenant', tenant: 'globex', category: 'oom' }),
        );
      });

      const ids = (page: { items: StoredIncident[] }) => page.items.map((i) => i.incidentId);

      it('lists a tenant newest first', async () => {
        const page = await store.listIncidents({ tenant: 'acme', limit: 10 });
        expect(ids(page)).toEqual(['inc-5', 'inc-4', 'inc-3', 'inc-2', 'inc-1']);
        expect(page.nextCursor).toBeNull();
      });

      it('filters by category and severity', async () => {
        const oom = await store.listIncidents({ tenant: 'acme', category: 'oom', limit: 10 });
        expect(ids(oom)).toEqual(['inc-5', 'inc-3', 'inc-1']);
        const high = await store.listIncidents({ tenant: 'acme', severity: 'high', limit: 10 });
        expect(ids(high)).toEqual(['inc-3', 'inc-2']);
        const both = await store.listIncidents({
          tenant: 'acme',
          category: 'oom',
          severity: 'critical',
          limit: 10,
        });
        expect(ids(both)).toEqual(['inc-5', 'inc-1']);
      });

      it('treats since as inclusive and until as exclusive', async () => {
        const page = await store.listIncidents({
          tenant: 'acme',
          since: '2026-11-21T10:00:00.000Z',
          until: '2026-11-23T10:00:00.000Z',
          limit: 10,
        });
        expect(ids(page)).toEqual(['inc-3', 'inc-2']);
      });

      it('rejects a malformed cursor with ValidationError', async () => {
        for (const cursor of ['not a cursor!', 'Zm9v', '', btoa('["only-one"]')]) {
          await expect(store.listIncidents({ tenant: 'acme', limit: 2, cursor })).rejects.toThrow(
            ValidationError,
          );
        }
      });
    });

    it('pages through more incidents than the limit, in a stable order, ending with a null cursor', async () => {
      // 23 incidents, several sharing a timestamp so the id breaks ties.
      const expected: string[] = [];
      for (let n = 0; n < 23; n++) {
        const receivedAt = `2026-11-2${Math.floor(n / 5)}T08:00:00.000Z`;
        const incidentId = `inc-${String(n).padStart(2, '0')}`;
        expected.push(incidentId);
        await store.saveIncident(makeIncident({ incidentId, tenant: 'acme', receivedAt }));
      }
      expected.reverse();

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listIncidents({ tenant: 'acme', limit: 5, cursor });
        pages += 1;
        expect(page.items.length).toBeLessThanOrEqual(5);
        seen.push(...page.items.map((i) => i.incidentId));
        if (pages === 1) {
          // Something newer arriving between pages neither repeats nor shifts the rest.
          await store.saveIncident(
            makeIncident({
              incidentId: 'inc-late',
              tenant: 'acme',
              receivedAt: '2026-11-30T00:00:00.000Z',
            }),
          );
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && pages < 20);

      expect(pages).toBe(5);
      expect(seen).toEqual(expected);

      const exact = await store.listIncidents({ tenant: 'acme', limit: 24 });
      expect(exact.items).toHaveLength(24);
      expect(exact.nextCursor).toBeNull();
    });

    it('finds similar incidents: same tenant and signature, newest first, without the given one', async () => {
      const same = { tenant: 'acme', signature: 'sig-x' };
      await store.saveIncident(
        makeIncident({ ...same, incidentId: 'old', receivedAt: '2026-11-20T00:00:00.000Z' }),
      );
      await store.saveIncident(
        makeIncident({
          ...same,
          incidentId: 'mid',
          receivedAt: '2026-11-21T00:00:00.000Z',
          category: 'timeout',
        }),
      );
      await store.saveIncident(
        makeIncident({ ...same, incidentId: 'new', receivedAt: '2026-11-22T00:00:00.000Z' }),
      );
      await store.saveIncident(
        makeIncident({ tenant: 'acme', signature: 'sig-y', incidentId: 'other-signature' }),
      );
      await store.saveIncident(
        makeIncident({ tenant: 'globex', signature: 'sig-x', incidentId: 'other-tenant' }),
      );

      const similar = await store.findSimilar({
        ...same,
        limit: 10,
        excludeIncidentId: 'new',
      });
      expect(similar).toEqual([
        {
          incidentId: 'mid',
          category: 'timeout',
          seenAt: '2026-11-21T00:00:00.000Z',
          resolved: null,
          resolution: null,
        },
        {
          incidentId: 'old',
          category: 'oom',
          seenAt: '2026-11-20T00:00:00.000Z',
          resolved: null,
          resolution: null,
        },
      ]);
      const limited = await store.findSimilar({ ...same, limit: 1 });
      expect(limited.map((s) => s.incidentId)).toEqual(['new']);
      expect(await store.findSimilar({ tenant: 'acme', signature: 'none', limit: 5 })).toEqual([]);
    });

    describe('votes', () => {
      const sorted = (tallies: VoteTally[]) =>
        [...tallies].sort((a, b) =>
          `${a.plugin}/${a.category ?? ''}`.localeCompare(`${b.plugin}/${b.category ?? ''}`),
        );

      it('tallies up and down votes per plugin and category', async () => {
        const vote = { plugin: 'restart', category: 'oom' as Category, tenant: 'acme' };
        expect(await store.recordVote({ ...vote, direction: 'up' })).toEqual({
          plugin: 'restart',
          category: 'oom',
          up: 1,
          down: 0,
          successes: 0,
          failures: 0,
        });
        await store.recordVote({ ...vote, direction: 'up' });
        expect(await store.recordVote({ ...vote, direction: 'down' })).toEqual({
          plugin: 'restart',
          category: 'oom',
          up: 2,
          down: 1,
          successes: 0,
          failures: 0,
        });
      });

      it('keeps category-free votes apart from per-category ones', async () => {
        await store.recordVote({ plugin: 'restart', category: null, direction: 'up', tenant: 't' });
        await store.recordVote({
          plugin: 'restart',
          category: 'oom',
          direction: 'down',
          tenant: 't',
        });
        await store.recordVote({
          plugin: 'scale',
          category: 'timeout',
          direction: 'up',
          tenant: 't',
        });

        expect(sorted(await store.listVotes('oom'))).toEqual([
          { plugin: 'restart', category: null, up: 1, down: 0, successes: 0, failures: 0 },
          { plugin: 'restart', category: 'oom', up: 0, down: 1, successes: 0, failures: 0 },
        ]);
        expect(await store.listVotes(null)).toEqual([
          { plugin: 'restart', category: null, up: 1, down: 0, successes: 0, failures: 0 },
        ]);
        expect(sorted(await store.listVotes('timeout'))).toEqual([
          { plugin: 'restart', category: null, up: 1, down: 0, successes: 0, failures: 0 },
          { plugin: 'scale', category: 'timeout', up: 1, down: 0, successes: 0, failures: 0 },
        ]);
      });

      it('loses no update under 50 concurrent votes (from two replicas where the store has them)', async () => {
        const peer = await peerOrSelf();
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, n) =>
            (n % 2 === 0 ? store : peer).recordVote({
              plugin: 'restart',
              category: 'oom',
              direction: n % 5 === 0 ? 'down' : 'up',
              tenant: 'acme',
            }),
          ),
        );
        expect(await store.listVotes('oom')).toEqual([
          { plugin: 'restart', category: 'oom', up: 40, down: 10, successes: 0, failures: 0 },
        ]);
        // Each vote saw its own increment: the returned totals are all distinct.
        const totals = results.map((t) => t.up + t.down).sort((a, b) => a - b);
        expect(totals).toEqual(Array.from({ length: 50 }, (_, n) => n + 1));
      });
    });

    describe('miner state', () => {
      it('is null until saved, then round-trips and is overwritten', async () => {
        expect(await store.loadMinerState()).toBeNull();
        const first = {
          version: 1,
          data: { clusters: [{ id: 'c1', tokens: ['a', '<*>'] }], n: 2 },
        };
        await store.saveMinerState(first);
        expect(await store.loadMinerState()).toEqual(first);

        const second = { version: 2, data: { clusters: [], n: 0, note: 'reset' } };
        await store.saveMinerState(second);
        expect(await store.loadMinerState()).toEqual(second);
      });

      it('is shared with another replica', async () => {
        const peer = await peerOrSelf();
        await store.saveMinerState({ version: 7, data: ['x'] });
        expect(await peer.loadMinerState()).toEqual({ version: 7, data: ['x'] });
      });
    });

    describe('LLM answer cache', () => {
      const answer = {
        category: 'dns_failure' as Category,
        confidence: 0.8,
        rootCause: 'The resolver at 10.96.0.10 did not know orders.internal (ünïcødé ✓, "quotes").',
        summary: 'DNS lookups fail.',
        remediation: ['Check the record.', 'Check the resolver.'],
      };
      const entry = (key: string, createdAt: string, expiresAt: string, a = answer) => ({
        key,
        answer: a,
        createdAt,
        expiresAt,
      });

      it('serves an answer until it expires, and nothing for an unknown key', async () => {
        await store.saveLlmAnswer(
          entry('k1', '2026-11-26T12:00:00.000Z', '2026-11-27T12:00:00.000Z'),
        );
        expect(await store.findLlmAnswer('k1', '2026-11-26T12:00:01.000Z')).toEqual(answer);
        expect(await store.findLlmAnswer('k1', '2026-11-27T11:59:59.999Z')).toEqual(answer);
        expect(await store.findLlmAnswer('k1', '2026-11-27T12:00:00.000Z')).toBeNull();
        expect(await store.findLlmAnswer('k2', '2026-11-26T12:00:01.000Z')).toBeNull();
      });

      it('replaces the answer under the same key', async () => {
        await store.saveLlmAnswer(
          entry('k1', '2026-11-26T12:00:00.000Z', '2026-11-26T13:00:00.000Z'),
        );
        const newer = { ...answer, category: 'timeout' as Category, remediation: [] };
        await store.saveLlmAnswer(
          entry('k1', '2026-11-26T12:30:00.000Z', '2026-11-26T14:00:00.000Z', newer),
        );
        expect(await store.findLlmAnswer('k1', '2026-11-26T13:30:00.000Z')).toEqual(newer);
      });

      it('drops expired answers as new ones arrive', async () => {
        await store.saveLlmAnswer(
          entry('old', '2026-11-26T12:00:00.000Z', '2026-11-26T12:01:00.000Z'),
        );
        await store.saveLlmAnswer(
          entry('new', '2026-11-26T13:00:00.000Z', '2026-11-26T14:00:00.000Z'),
        );
        // Even asked as of a time before it expired, the old row is gone.
        expect(await store.findLlmAnswer('old', '2026-11-26T12:00:30.000Z')).toBeNull();
        expect(await store.findLlmAnswer('new', '2026-11-26T13:00:30.000Z')).toEqual(answer);
      });

      it('is shared with another replica', async () => {
        const peer = await peerOrSelf();
        await store.saveLlmAnswer(
          entry('k1', '2026-11-26T12:00:00.000Z', '2026-11-27T12:00:00.000Z'),
        );
        expect(await peer.findLlmAnswer('k1', '2026-11-26T12:00:01.000Z')).toEqual(answer);
      });
    });

    describe('incident storms (recordIncident)', () => {
      const at = (second: number) => new Date(Date.UTC(2026, 10, 26, 12, 0, second)).toISOString();
      const storm = (incidentId: string, second: number, extra: Partial<StoredIncident> = {}) =>
        makeIncident({
          incidentId,
          tenant: 'acme',
          signature: 'sig-storm',
          receivedAt: at(second),
          ...extra,
        });

      it('stores the first, counts repeats within the window, opens a new one after it', async () => {
        expect(await store.recordIncident(storm('first', 0), 60)).toEqual({
          incidentId: 'first',
          occurrences: 1,
          deduplicated: false,
        });
        expect(await store.recordIncident(storm('second', 30), 60)).toEqual({
          incidentId: 'first',
          occurrences: 2,
          deduplicated: true,
        });
        // The window slides with the last occurrence (second 30): 80 is inside it.
        expect(await store.recordIncident(storm('third', 80), 60)).toEqual({
          incidentId: 'first',
          occurrences: 3,
          deduplicated: true,
        });
        expect(await store.getIncident('second', 'acme')).toBeNull();
        const first = await store.getIncident('first', 'acme');
        expect(first?.occurrences).toBe(3);
        expect(first?.lastSeenAt).toBe(at(80));
        expect(first?.receivedAt).toBe(at(0));

        // Quiet for longer than the window: a new incident.
        expect(await store.recordIncident(storm('later', 59 + 80 + 2), 60)).toEqual({
          incidentId: 'later',
          occurrences: 1,
          deduplicated: false,
        });
        expect(await store.recordIncident(storm('again', 59 + 80 + 3), 60)).toMatchObject({
          incidentId: 'later',
          deduplicated: true,
        });
        expect((await store.getIncident('first', 'acme'))?.occurrences).toBe(3);
      });

      it('keeps tenants and signatures apart, and never deduplicates with window 0', async () => {
        await store.recordIncident(storm('a', 0), 300);
        expect(
          await store.recordIncident(storm('other-tenant', 1, { tenant: 'globex' }), 300),
        ).toMatchObject({ incidentId: 'other-tenant', deduplicated: false });
        expect(
          await store.recordIncident(storm('other-sig', 1, { signature: 'sig-else' }), 300),
        ).toMatchObject({ incidentId: 'other-sig', deduplicated: false });
        expect(await store.recordIncident(storm('off', 2), 0)).toMatchObject({
          incidentId: 'off',
          deduplicated: false,
        });
        const page = await store.listIncidents({ tenant: 'acme', limit: 10 });
        expect(page.items.map((i) => i.incidentId).sort()).toEqual(['a', 'off', 'other-sig']);
      });

      it('opens exactly one incident for 30 concurrent repeats (from two replicas where the store has them)', async () => {
        const peer = await peerOrSelf();
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, n) =>
            (n % 2 === 0 ? store : peer).recordIncident(storm(`c-${n}`, 0), 300),
          ),
        );
        const opened = results.filter((r) => !r.deduplicated);
        expect(opened).toHaveLength(1);
        const id = opened[0]?.incidentId;
        expect(new Set(results.map((r) => r.incidentId))).toEqual(new Set([id]));
        expect(results.map((r) => r.occurrences).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 30 }, (_, n) => n + 1),
        );
        expect((await store.getIncident(id as string, 'acme'))?.occurrences).toBe(30);
      });

      it('stores a plan in one write: actions, audit entries and the result, occurrences kept', async () => {
        await store.recordIncident(storm('r', 0), 300);
        await store.recordIncident(storm('r2', 1), 300);
        const incident = storm('r', 0);
        await store.savePlan({
          incidentId: 'r',
          actions: [
            makeAction({ actionId: 'plan-1', incidentId: 'r' }),
            makeAction({ actionId: 'plan-2', incidentId: 'r', status: 'dry_run' }),
          ],
          audit: [audit('action.planned', 'plan-1'), audit('action.planned', 'plan-2')],
          result: { ...incident.result, summary: 'with actions' },
        });
        const found = await store.getIncident('r', 'acme');
        expect(found?.result.summary).toBe('with actions');
        expect(found?.occurrences).toBe(2);
        const actions = await store.listActions({ tenant: 'acme', incidentId: 'r', limit: 10 });
        expect(actions.items.map((a) => a.actionId).sort()).toEqual(['plan-1', 'plan-2']);
        expect((await store.getAction('plan-2', 'acme'))?.status).toBe('dry_run');
        const log = await store.listAudit({ tenant: 'acme', limit: 10 });
        // Newest first: the plan's entries in reverse order of the plan.
        expect(log.items.map((e) => e.subject)).toEqual(['plan-2', 'plan-1']);
      });

      it('stores each of two plans of the same shape with its own rows', async () => {
        await store.recordIncident(storm('r', 0), 300);
        await store.recordIncident(storm('s', 0, { signature: 'sig-other' }), 300);
        for (const id of ['r', 's']) {
          await store.savePlan({
            incidentId: id,
            actions: [makeAction({ actionId: `plan-${id}`, incidentId: id })],
            audit: [audit('action.planned', `plan-${id}`)],
            result: { ...storm(id, 0).result, summary: `plan of ${id}` },
          });
        }
        for (const id of ['r', 's']) {
          expect((await store.getIncident(id, 'acme'))?.result.summary).toBe(`plan of ${id}`);
          const actions = await store.listActions({ tenant: 'acme', incidentId: id, limit: 10 });
          expect(actions.items.map((a) => a.actionId)).toEqual([`plan-${id}`]);
        }
        const log = await store.listAudit({ tenant: 'acme', limit: 10 });
        expect(log.items.map((e) => e.subject)).toEqual(['plan-s', 'plan-r']);
      });

      it('stores nothing of a plan when one of its writes fails', async () => {
        await store.recordIncident(storm('r', 0), 300);
        await store.saveActions([makeAction({ actionId: 'taken', incidentId: 'r' })]);
        const incident = storm('r', 0);
        await expect(
          store.savePlan({
            incidentId: 'r',
            actions: [
              makeAction({ actionId: 'fresh', incidentId: 'r' }),
              makeAction({ actionId: 'taken', incidentId: 'r' }),
            ],
            audit: [audit('action.planned', 'fresh')],
            result: { ...incident.result, summary: 'with actions' },
          }),
        ).rejects.toThrow();
        expect(await store.getAction('fresh', 'acme')).toBeNull();
        expect((await store.listAudit({ tenant: 'acme', limit: 10 })).items).toEqual([]);
        expect((await store.getIncident('r', 'acme'))?.result.summary).toBe(
          incident.result.summary,
        );
      });
    });

    describe('feedback', () => {
      const feedback = (overrides: Partial<FeedbackRecord> = {}): FeedbackRecord => ({
        incidentId: 'inc-f',
        tenant: 'acme',
        audit: audit('incident.feedback', 'inc-f'),
        ...overrides,
      });

      beforeEach(async () => {
        await store.saveIncident(
          makeIncident({ incidentId: 'inc-f', tenant: 'acme', signature: 'sig-f' }),
        );
      });

      it('keeps resolution and the corrected category, shown by recall', async () => {
        await store.recordFeedback(
          feedback({
            resolved: true,
            resolution: 'notify.send succeeded',
            correctedCategory: 'timeout',
          }),
        );
        const found = await store.getIncident('inc-f', 'acme');
        expect(found?.feedback).toEqual({
          resolved: true,
          resolution: 'notify.send succeeded',
          correctedCategory: 'timeout',
          helpful: 0,
          unhelpful: 0,
        });
        // Unrelated feedback later leaves what was said alone.
        await store.recordFeedback(feedback({ helpful: true }));
        expect((await store.getIncident('inc-f', 'acme'))?.feedback).toMatchObject({
          resolved: true,
          correctedCategory: 'timeout',
          helpful: 1,
        });
        expect(await store.findSimilar({ tenant: 'acme', signature: 'sig-f', limit: 5 })).toEqual([
          {
            incidentId: 'inc-f',
            category: 'timeout',
            seenAt: '2026-11-26T12:00:00.000Z',
            resolved: true,
            resolution: 'notify.send succeeded',
          },
        ]);
      });

      it('learns patterns per tenant and signature, newest first', async () => {
        expect(await store.findLearnedPattern('acme', 'sig-f')).toBeNull();
        const pattern = {
          id: 'lp-1',
          tenant: 'acme',
          signature: 'sig-f',
          category: 'dns_failure' as Category,
          sourceIncidentId: 'inc-f',
          createdAt: '2026-11-26T13:00:00.000Z',
        };
        await store.recordFeedback(feedback({ pattern }));
        await store.recordFeedback(
          feedback({
            pattern: {
              ...pattern,
              id: 'lp-2',
              category: 'tls_error',
              createdAt: '2026-11-26T14:00:00.000Z',
            },
          }),
        );
        expect(await store.findLearnedPattern('acme', 'sig-f')).toEqual({
          ...pattern,
          id: 'lp-2',
          category: 'tls_error',
          createdAt: '2026-11-26T14:00:00.000Z',
        });
        expect(await store.findLearnedPattern('globex', 'sig-f')).toBeNull();
        expect(await store.findLearnedPattern('acme', 'sig-other')).toBeNull();
      });

      it('counts outcomes with the votes of the plugin and category', async () => {
        await store.recordVote({
          plugin: 'notify',
          category: 'oom',
          direction: 'up',
          tenant: 'acme',
        });
        const outcome = { plugin: 'notify', category: 'oom' as Category };
        await store.recordFeedback(feedback({ outcome: { ...outcome, outcome: 'success' } }));
        await store.recordFeedback(feedback({ outcome: { ...outcome, outcome: 'success' } }));
        await store.recordFeedback(feedback({ outcome: { ...outcome, outcome: 'failure' } }));
        expect(await store.listVotes('oom')).toEqual([
          { plugin: 'notify', category: 'oom', up: 1, down: 0, successes: 2, failures: 1 },
        ]);
      });

      it('loses no update under 40 concurrent feedbacks (from two replicas where the store has them)', async () => {
        const peer = await peerOrSelf();
        await Promise.all(
          Array.from({ length: 40 }, (_, n) =>
            (n % 2 === 0 ? store : peer).recordFeedback(
              feedback({
                helpful: n % 4 !== 0,
                outcome: {
                  plugin: 'notify',
                  category: 'oom',
                  outcome: n % 5 === 0 ? 'failure' : 'success',
                },
              }),
            ),
          ),
        );
        expect((await store.getIncident('inc-f', 'acme'))?.feedback).toMatchObject({
          helpful: 30,
          unhelpful: 10,
        });
        expect(await store.listVotes('oom')).toEqual([
          { plugin: 'notify', category: 'oom', up: 0, down: 0, successes: 32, failures: 8 },
        ]);
      });
    });

    describe('retention (pruneIncidents)', () => {
      it('deletes incidents last seen before the cutoff and keeps the rest', async () => {
        await store.saveIncident(
          makeIncident({
            incidentId: 'old',
            tenant: 'acme',
            receivedAt: '2026-10-01T00:00:00.000Z',
          }),
        );
        await store.saveIncident(
          makeIncident({
            incidentId: 'old-but-recurring',
            tenant: 'acme',
            receivedAt: '2026-10-01T00:00:00.000Z',
            lastSeenAt: '2026-11-25T00:00:00.000Z',
          }),
        );
        await store.saveIncident(
          makeIncident({
            incidentId: 'new',
            tenant: 'globex',
            receivedAt: '2026-11-25T00:00:00.000Z',
          }),
        );
        await store.recordFeedback({
          incidentId: 'old',
          tenant: 'acme',
          pattern: {
            id: 'lp-old',
            tenant: 'acme',
            signature: 'sig-default',
            category: 'timeout',
            sourceIncidentId: 'old',
            createdAt: '2026-10-02T00:00:00.000Z',
          },
          audit: audit('incident.feedback', 'old'),
        });

        expect(await store.pruneIncidents('2026-11-01T00:00:00.000Z')).toBe(1);
        expect(await store.getIncident('old', null)).toBeNull();
        expect(await store.getIncident('old-but-recurring', null)).not.toBeNull();
        expect(await store.getIncident('new', null)).not.toBeNull();
        // What was learned stays; it only forgets which incident taught it.
        expect(await store.findLearnedPattern('acme', 'sig-default')).toMatchObject({
          id: 'lp-old',
          category: 'timeout',
          sourceIncidentId: null,
        });
        expect(await store.pruneIncidents('2026-11-01T00:00:00.000Z')).toBe(0);
      });
    });

    it('appends audit entries', async () => {
      await expect(store.appendAudit(audit('test.event', 'x'))).resolves.toBeUndefined();
    });

    describeActionStoreContract(() => store, peerOrSelf, makeIncident);

    it('pings, and closes more than once without error', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}

export interface SqlTarget {
  name: string;
  dialect: SqlDialectName;
  /** Options for a store over a database that has never been migrated. */
  freshOptions: () => Promise<KnowledgeStoreOptions>;
  skip?: boolean | undefined;
}

/** Migration and lifecycle behaviour shared by the SQL dialects. */
export function describeSqlStoreLifecycle(target: SqlTarget): void {
  const describeTarget = target.skip ? describe.skip : describe;
  const allMigrations = Object.keys(knowledgeMigrations).sort();
  const newest = allMigrations.at(-1);

  describeTarget(`SQL store lifecycle: ${target.name}`, () => {
    it('applies every migration once; running again applies nothing', async () => {
      const options = await target.freshOptions();
      expect(await runMigrations(options)).toEqual({ applied: allMigrations, current: newest });
      expect(await runMigrations(options)).toEqual({ applied: [], current: newest });

      const store = await createKnowledgeStore(options);
      try {
        expect(store.dialect).toBe(target.dialect);
        expect(await runMigrations(options)).toEqual({ applied: [], current: newest });
      } finally {
        await store.close();
      }
    });

    it('applies each migration exactly once when migrate commands run together', async () => {
      const options = await target.freshOptions();
      const reports = await Promise.all([1, 2, 3, 4].map(() => runMigrations(options)));
      expect(reports.flatMap((r) => r.applied).sort()).toEqual(allMigrations);
      for (const report of reports) expect(report.current).toBe(newest);
    });

    it('opens two stores on one fresh database at once; both migrate and share data', async () => {
      const options = await target.freshOptions();
      const [first, second] = await Promise.all([
        createKnowledgeStore(options),
        createKnowledgeStore(options),
      ]);
      try {
        expect(await runMigrations(options)).toEqual({ applied: [], current: newest });
        await first.saveIncident(makeIncident({ incidentId: 'from-first', tenant: 'acme' }));
        expect((await second.getIncident('from-first', 'acme'))?.incidentId).toBe('from-first');
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });

    it('refuses every operation once closed, as unavailable', async () => {
      const store = await createKnowledgeStore(await target.freshOptions());
      await store.close();
      await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
      await expect(store.getIncident('x', null)).rejects.toThrow(StoreUnavailableError);
    });
  });
}

export function makeIncident(
  overrides: Partial<Omit<StoredIncident, 'result'>> & { incidentId: string },
): StoredIncident {
  const base = {
    tenant: 'default',
    receivedAt: '2026-11-26T12:00:00.000Z',
    category: 'oom' as Category,
    severity: 'critical' as Severity,
    signature: 'sig-default',
    occurrences: 1,
    feedback: {
      resolved: null,
      resolution: null,
      correctedCategory: null,
      helpful: 0,
      unhelpful: 0,
    },
    ...overrides,
  };
  const lastSeenAt = overrides.lastSeenAt ?? base.receivedAt;
  const result: AnalysisResult = {
    incidentId: base.incidentId,
    category: base.category,
    severity: base.severity,
    confidence: 0.87,
    summary: 'Container killed: out of memory (ünïcødé ✓, "quotes", \\backslash)',
    rootCause: 'memory limit 512Mi exceeded',
    evidence: [{ line: 3, text: 'OOMKilled exit code 137', category: base.category, weight: 0.9 }],
    templates: [{ templateId: 't1', template: 'OOMKilled exit code <*>', count: 2 }],
    similarIncidents: [
      { incidentId: 'older', category: 'oom', seenAt: '2026-11-01T00:00:00.000Z', resolved: true },
    ],
    actions: [
      {
        actionId: 'act-1',
        plugin: 'kubernetes',
        operation: 'raise_memory_limit',
        params: { deployment: 'api', limit: '1Gi', nested: { list: [1, 2.5, null, false] } },
        risk: 'medium',
        description: 'Raise the memory limit',
        decision: 'approval_required',
        reasons: ['risk medium needs approval'],
        status: 'pending_approval',
      },
    ],
    reasoning: {
      strategy: 'reflective',
      cycles: 2,
      score: 0.91,
      target: 0.85,
      trace: [{ cycle: 1, phase: 'hypothesize', message: 'memory pressure', score: 0.7 }],
    },
    mode: 'safe',
    durationMs: 12.5,
    signature: base.signature,
  };
  return { ...base, lastSeenAt, result };
}

function audit(event: string, subject: string): AuditEntry {
  return {
    at: '2026-11-26T12:00:00.000Z',
    actor: 'k1',
    tenant: 'acme',
    event,
    subject,
    decision: null,
    reasons: ['why'],
    result: 'recorded',
  };
}
