import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, LOGS, postJson, readJson, type TestApi } from '../../test/harness.js';
import { AnalysisResultSchema, IncidentSchema } from '../schemas/process-log.js';

// A failure the catalog reads as a timeout; the operators of tenant acme know
// it is their database's connection limit.
const POOL_TIMEOUT = [
  '2026-11-20T10:00:01Z INFO  billing-worker started',
  '2026-11-20T10:03:12Z ERROR read timed out after 30000ms while waiting for ledger-db',
  '2026-11-20T10:03:42Z ERROR read timed out after 30000ms while waiting for ledger-db',
].join('\n');

const ACME = { 'X-API-Key': 'acme-key' };
const GLOBEX = { 'X-API-Key': 'globex-key' };
const ADMIN = { 'X-API-Key': 'admin-key' };

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({
    API_KEYS: 'acme:acme-key,globex:globex-key',
    ADMIN_KEYS: 'admin-key',
    // Each log here is its own incident: storms are tested elsewhere.
    DEDUP_WINDOW_SEC: '0',
  });
});
afterAll(async () => {
  await api.close();
});

async function analyse(log: string, headers: Record<string, string>, extra = {}) {
  const res = await api.app.request('/api/process_log', postJson({ log, ...extra }, headers));
  expect(res.status).toBe(200);
  return readJson(res);
}

function feedback(id: string, body: unknown, headers: Record<string, string>) {
  return api.app.request(`/api/incidents/${id}/feedback`, postJson(body, headers));
}

describe('POST /api/incidents/{id}/feedback', () => {
  it('learns a corrected category for the next log with the same signature, in that tenant only', async () => {
    const first = await analyse(POOL_TIMEOUT, ACME);
    expect(first.category).toBe('timeout');

    const res = await feedback(first.incident_id, { category: 'db_connection_limit' }, ACME);
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ incident_id: first.incident_id, learned: true });

    const next = await analyse(POOL_TIMEOUT.replaceAll('30000ms', '5000ms'), ACME);
    expect(AnalysisResultSchema.safeParse(next).success).toBe(true);
    expect(next.category).toBe('db_connection_limit');
    expect(next.learned).toEqual({
      from_incident_id: first.incident_id,
      observed_category: 'timeout',
    });
    expect(next.evidence[0]).toMatchObject({
      category: 'db_connection_limit',
      learned_from: first.incident_id,
    });
    expect(next.evidence[0].text).toContain(first.incident_id);
    expect(next.similar_incidents[0]).toMatchObject({
      incident_id: first.incident_id,
      category: 'db_connection_limit',
      resolved: null,
      resolution: null,
    });

    const other = await analyse(POOL_TIMEOUT, GLOBEX);
    expect(other.category).toBe('timeout');
    expect(other.learned).toBeUndefined();
  });

  it('marks the actions of a learned category for policy, which asks for approval', async () => {
    const first = await analyse(POOL_TIMEOUT, GLOBEX, { context: { service: 'billing' } });
    await feedback(first.incident_id, { category: 'db_connection_limit' }, GLOBEX);
    const next = await analyse(POOL_TIMEOUT, GLOBEX, { context: { service: 'billing' } });
    expect(next.category).toBe('db_connection_limit');
    // Whatever the plugins' configuration, nothing learned is simply allowed.
    expect(next.actions.length).toBeGreaterThan(0);
    expect(next.actions.some((a: { decision: string }) => a.decision === 'allowed')).toBe(false);
  });

  it('records resolution, helpfulness and outcomes, shown by the incident and by recall', async () => {
    const first = await analyse(LOGS.dnsTimeouts, ACME);
    const notify = first.actions.find((a: { plugin: string }) => a.plugin === 'notify');
    const res = await feedback(
      first.incident_id,
      { resolved: true, helpful: true, action_id: notify.action_id, outcome: 'success' },
      ACME,
    );
    expect(await readJson(res)).toEqual({ incident_id: first.incident_id, learned: false });

    const stored = await readJson(
      await api.app.request(`/api/incidents/${first.incident_id}`, { headers: ACME }),
    );
    expect(IncidentSchema.safeParse(stored).success).toBe(true);
    expect(stored.feedback).toEqual({
      resolved: true,
      resolution: 'notify.send succeeded',
      corrected_category: null,
      helpful: 1,
      unhelpful: 0,
    });

    const next = await analyse(LOGS.dnsTimeouts, ACME);
    expect(next.similar_incidents).toContainEqual({
      incident_id: first.incident_id,
      category: first.category,
      seen_at: stored.last_seen_at,
      resolved: true,
      resolution: 'notify.send succeeded',
    });

    // The outcome counts for the plugin in that category, next to its votes.
    const vote = await api.app.request(
      '/api/vote_plugin',
      postJson({ plugin: 'notify', direction: 'up', category: first.category }, ACME),
    );
    expect(await readJson(vote)).toMatchObject({ up: 1, down: 0, successes: 1, failures: 0 });
  });

  it('lets an admin give feedback on any tenant, and audits every feedback', async () => {
    const first = await analyse(LOGS.oomCrashLoop, ACME);
    const res = await feedback(first.incident_id, { helpful: false }, ADMIN);
    expect(res.status).toBe(200);
    await feedback(first.incident_id, { category: 'app_crash' }, ACME);

    const audit = await readJson(await api.app.request('/api/audit?limit=200', { headers: ADMIN }));
    const entries = audit.items.filter(
      (e: { event: string; subject: string }) =>
        e.event === 'incident.feedback' && e.subject === first.incident_id,
    );
    expect(entries).toHaveLength(2);
    expect(entries).toContainEqual(
      expect.objectContaining({
        tenant: 'acme',
        result: 'learned',
        reasons: [`category: ${first.category} -> app_crash`],
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ tenant: 'acme', result: 'recorded', reasons: ['helpful: false'] }),
    );
  });
});
