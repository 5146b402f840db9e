import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downUrl, type LoopbackServer, startWebhookProtocolDouble } from '@agent/adapters/testing';
import { issueLicense } from '@agent/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApi,
  type Json,
  postJson,
  readJson,
  runbookPolicyFile,
  type TestApi,
} from '../../test/harness.js';

const KEYS = { API_KEYS: 'acme:user-key-1', ADMIN_KEYS: 'admin-key-1', DEDUP_WINDOW_SEC: '0' };
const USER = { 'X-API-Key': 'user-key-1' };
const ADMIN = { 'X-API-Key': 'admin-key-1' };
const LOG = 'ERROR java.lang.OutOfMemoryError: Java heap space';

describe('actions and audit routes refuse what they must', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(KEYS);
  });
  afterAll(async () => {
    await api.close();
  });

  it('are admin only', async () => {
    for (const [method, path] of [
      ['GET', '/api/actions'],
      ['POST', '/api/actions/x/approve'],
      ['POST', '/api/actions/x/reject'],
      ['GET', '/api/audit'],
    ] as const) {
      expect((await api.app.request(path, { method, headers: USER })).status).toBe(403);
      expect((await api.app.request(path, { method })).status).toBe(401);
    }
  });

  it('answer 404 for an unknown action and 400 for a bad filter or cursor', async () => {
    const res = await api.app.request('/api/actions/nope/approve', {
      method: 'POST',
      headers: ADMIN,
    });
    expect(res.status).toBe(404);
    expect((await readJson(res)).error.code).toBe('not_found');
    expect((await api.app.request('/api/actions?status=maybe', { headers: ADMIN })).status).toBe(
      400,
    );
    expect((await api.app.request('/api/audit?cursor=%21', { headers: ADMIN })).status).toBe(400);
    const bad = await api.app.request('/api/actions/nope/reject', {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'text/plain' },
      body: 'no',
    });
    expect(bad.status).toBe(415);
  });

  it('take a POST without a body, as curl -X POST sends it over HTTP (no length, an empty stream)', async () => {
    const bodyless = new Request('http://localhost/api/actions/nope/approve', {
      method: 'POST',
      headers: ADMIN,
      body: new ReadableStream({ start: (controller) => controller.close() }),
      duplex: 'half',
    } as RequestInit);
    expect(bodyless.headers.get('content-length')).toBeNull();
    const res = await api.app.request(bodyless);
    expect(res.status).toBe(404);
  });

  it('skip every action in auto mode when the licence lacks auto_remediation', async () => {
    const secret = 'licence-signing-secret-with-enough-length-0123456789';
    const key = await issueLicense({
      subject: 'acme',
      features: ['reports'],
      expiresAt: new Date(Date.now() + 86_400_000),
      signingSecret: secret,
      form: 'jwt',
    });
    const licensed = await createTestApi({
      ...KEYS,
      REQUIRE_LICENSE: 'true',
      LICENSE_KEY: key,
      LICENSE_SIGNING_SECRET: secret,
      NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/services/x',
    });
    try {
      const res = await licensed.app.request(
        '/api/process_log',
        postJson({ log: LOG, mode: 'auto' }, USER),
      );
      expect(res.status).toBe(200);
      const body = await readJson(res);
      expect(body.actions[0]).toMatchObject({ plugin: 'notify', status: 'skipped' });
      expect(body.actions[0].reasons.join(' ')).toMatch(/auto_remediation/);
    } finally {
      await licensed.close();
    }
  });
});

describe('remediation when its backends fail', () => {
  let dir: string;
  let runbook: LoopbackServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'api-backends-'));
    runbook = await startWebhookProtocolDouble({ statuses: [202] });
  });
  afterAll(async () => {
    await runbook.close();
  });

  it('denies every action when OPA is down, and still answers the analysis', async () => {
    const api = await createTestApi({
      ...KEYS,
      OPA_ENDPOINT: await downUrl(),
      OPA_TIMEOUT_MS: '300',
      NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/services/x',
    });
    try {
      const started = performance.now();
      const res = await api.app.request(
        '/api/process_log',
        postJson({ log: LOG, mode: 'auto' }, USER),
      );
      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(5000);
      const body = await readJson(res);
      expect(body.category).toBe('oom');
      const notify = body.actions.find((a: Json) => a.plugin === 'notify');
      expect(notify).toMatchObject({ decision: 'denied', status: 'skipped' });
      expect(notify.reasons).toContain('policy engine unavailable');
      const ready = await api.app.request('/api/ready');
      expect(ready.status).toBe(200);
      expect(await readJson(ready)).toMatchObject({
        status: 'degraded',
        checks: {
          store: { ok: true },
          opa: { ok: false, detail: expect.stringMatching(/ECONNREFUSED/) },
        },
      });
      const metrics = await (await api.app.request('/api/metrics')).text();
      expect(metrics).toMatch(/agent_policy_decisions_total\{engine="opa",decision="denied"\} 1/);
    } finally {
      await api.close();
    }
  });

  it('fails an approved action with the reason when Vault is down', async () => {
    const policy = runbookPolicyFile(dir, runbook.url, 'devops/runbooks#token');
    const api = await createTestApi({
      ...KEYS,
      POLICY_FILE: policy,
      VAULT_URL: await downUrl(),
      VAULT_TOKEN: 'hvs.never-shown',
    });
    try {
      const result = await readJson(
        await api.app.request('/api/process_log', postJson({ log: LOG, mode: 'auto' }, USER)),
      );
      const id = result.actions.find((a: Json) => a.plugin === 'webhook').action_id;
      const res = await api.app.request(`/api/actions/${id}/approve`, {
        method: 'POST',
        headers: ADMIN,
      });
      expect(res.status).toBe(200);
      const action = await readJson(res);
      expect(action.status).toBe('failed');
      expect(action.error).toMatch(
        /secret "devops\/runbooks#token" could not be read: vault: cannot reach/,
      );
      expect(JSON.stringify(action)).not.toContain('hvs.never-shown');
      expect(runbook.requests).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('refuses to start with a policy file it cannot use', async () => {
    await expect(
      createTestApi({ ...KEYS, POLICY_FILE: join(dir, 'missing.json') }),
    ).rejects.toThrow(/policy file .*missing\.json: cannot be read/);
  });
});
