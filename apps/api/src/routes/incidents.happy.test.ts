import { afterEach, describe, expect, it } from 'vitest';
import { createTestApi, LOGS, postJson, readJson, type TestApi } from '../../test/harness.js';
import { makeIncidentForTests } from '../../test/incidents.js';

const ACME = { 'X-API-Key': 'acme-key' };
const GLOBEX = { 'X-API-Key': 'globex-key' };
const ADMIN = { 'X-API-Key': 'admin-key' };
const KEYS = { API_KEYS: 'acme:acme-key,globex:globex-key', ADMIN_KEYS: 'admin-key' };

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function analyse(log: string, headers: Record<string, string>) {
  const res = await (api as TestApi).app.request('/api/process_log', postJson({ log }, headers));
  expect(res.status).toBe(200);
  return readJson(res);
}

describe('incident storms (DEDUP_WINDOW_SEC)', () => {
  it('returns the fresh analysis under the open incident, counted, with no new actions', async () => {
    api = await createTestApi(KEYS);
    const first = await analyse(LOGS.dnsTimeouts, ACME);
    expect(first).toMatchObject({ occurrences: 1, deduplicated: false });
    expect(first.actions.length).toBeGreaterThan(0);

    const results = await Promise.all(
      Array.from({ length: 5 }, () => analyse(LOGS.dnsTimeouts, ACME)),
    );
    for (const r of results) {
      expect(r).toMatchObject({
        incident_id: first.incident_id,
        deduplicated: true,
        actions: [],
        category: first.category,
      });
    }
    expect(results.map((r) => r.occurrences).sort()).toEqual([2, 3, 4, 5, 6]);

    const stored = await readJson(
      await api.app.request(`/api/incidents/${first.incident_id}`, { headers: ACME }),
    );
    expect(stored.occurrences).toBe(6);
    expect(stored.actions).toEqual(first.actions);
    const list = await readJson(await api.app.request('/api/incidents', { headers: ACME }));
    expect(list.items).toHaveLength(1);

    // The same storm in another tenant is another incident.
    expect((await analyse(LOGS.dnsTimeouts, GLOBEX)).deduplicated).toBe(false);
  });

  it('is off with DEDUP_WINDOW_SEC=0', async () => {
    api = await createTestApi({ ...KEYS, DEDUP_WINDOW_SEC: '0' });
    const first = await analyse(LOGS.dnsTimeouts, ACME);
    const second = await analyse(LOGS.dnsTimeouts, ACME);
    expect(second.incident_id).not.toBe(first.incident_id);
    expect(second.deduplicated).toBe(false);
    expect(second.similar_incidents.map((s: { incident_id: string }) => s.incident_id)).toEqual([
      first.incident_id,
    ]);
  });
});

describe('GET /api/incidents history', () => {
  it('pages with a cursor inside the tenant, and admins see every tenant', async () => {
    api = await createTestApi({ ...KEYS, DEDUP_WINDOW_SEC: '0' });
    const acmeIds: string[] = [];
    for (let n = 0; n < 7; n++) acmeIds.push((await analyse(LOGS.oomCrashLoop, ACME)).incident_id);
    const globexId = (await analyse(LOGS.dnsTimeouts, GLOBEX)).incident_id;

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
      const page = await readJson(
        await api.app.request(`/api/incidents${query}`, { headers: ACME }),
      );
      expect(page.items.length).toBeLessThanOrEqual(3);
      for (const item of page.items) expect(item.tenant).toBe('acme');
      seen.push(...page.items.map((i: { incident_id: string }) => i.incident_id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen.sort()).toEqual([...acmeIds].sort());

    const other = await api.app.request(`/api/incidents/${acmeIds[0]}`, { headers: GLOBEX });
    expect(other.status).toBe(404);
    const filtered = await readJson(
      await api.app.request('/api/incidents?category=dns_failure', { headers: ACME }),
    );
    expect(filtered.items).toEqual([]);

    const all = await readJson(
      await api.app.request('/api/incidents?limit=200', { headers: ADMIN }),
    );
    expect(all.items.map((i: { incident_id: string }) => i.incident_id)).toContain(globexId);
    expect(all.items).toHaveLength(8);
  });

  it('prunes incidents past INCIDENT_RETENTION_DAYS (at start-up and on demand)', async () => {
    api = await createTestApi({ ...KEYS, INCIDENT_RETENTION_DAYS: '7' });
    const old = makeIncidentForTests('old-one', 'acme', new Date(Date.now() - 8 * 86_400_000));
    await api.runtime.store.saveIncident(old);
    const recent = await analyse(LOGS.dnsTimeouts, ACME);
    expect(await api.runtime.retention.runNow()).toBe(1);
    expect((await api.app.request('/api/incidents/old-one', { headers: ACME })).status).toBe(404);
    const kept = await api.app.request(`/api/incidents/${recent.incident_id}`, { headers: ACME });
    expect(kept.status).toBe(200);
  });
});
