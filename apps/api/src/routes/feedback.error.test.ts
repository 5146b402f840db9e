import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, LOGS, postJson, readJson, type TestApi } from '../../test/harness.js';

const ACME = { 'X-API-Key': 'acme-key' };
const GLOBEX = { 'X-API-Key': 'globex-key' };

let api: TestApi;
let incidentId: string;
beforeAll(async () => {
  api = await createTestApi({ API_KEYS: 'acme:acme-key,globex:globex-key' });
  const res = await api.app.request('/api/process_log', postJson({ log: LOGS.dnsTimeouts }, ACME));
  incidentId = (await readJson(res)).incident_id;
});
afterAll(async () => {
  await api.close();
});

const post = (id: string, body: unknown, headers: Record<string, string> = ACME) =>
  api.app.request(`/api/incidents/${id}/feedback`, postJson(body, headers));

describe('POST /api/incidents/{id}/feedback errors', () => {
  it.each([
    [{}, /at least one/],
    [{ category: 'not_a_category' }, /category/],
    [{ resolved: 'yes' }, /resolved/],
    [{ outcome: 'success' }, /action_id/],
    [{ action_id: 'a1' }, /outcome/],
    [{ action_id: 'a1', outcome: 'maybe' }, /outcome/],
  ])('answers 400 validation_failed for %j', async (body, message) => {
    const res = await post(incidentId, body);
    expect(res.status).toBe(400);
    const error = (await readJson(res)).error;
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(message);
  });

  it('answers 404 for an unknown incident, another tenant’s incident, or an action not in it', async () => {
    for (const [id, body, headers] of [
      ['no-such-incident', { resolved: true }, ACME],
      [incidentId, { resolved: true }, GLOBEX],
      [incidentId, { action_id: 'no-such-action', outcome: 'failure' }, ACME],
    ] as const) {
      const res = await post(id, body, headers);
      expect(res.status).toBe(404);
      expect((await readJson(res)).error.code).toBe('not_found');
    }
  });

  it('needs a key, a JSON body, and no other method', async () => {
    expect((await post(incidentId, { resolved: true }, {})).status).toBe(401);
    const text = await api.app.request(`/api/incidents/${incidentId}/feedback`, {
      method: 'POST',
      headers: { ...ACME, 'Content-Type': 'text/plain' },
      body: 'resolved',
    });
    expect(text.status).toBe(415);
    const get = await api.app.request(`/api/incidents/${incidentId}/feedback`, { headers: ACME });
    expect(get.status).toBe(405);
  });
});
