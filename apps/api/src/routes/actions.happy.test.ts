import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LoopbackServer,
  startSlackProtocolDouble,
  startWebhookProtocolDouble,
} from '@agent/adapters/testing';
import { keyIdOf } from '@agent/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApi,
  type Json,
  postJson,
  readJson,
  runbookPolicyFile,
  type TestApi,
} from '../../test/harness.js';

const USER = { 'X-API-Key': 'user-key-1' };
const ADMIN = { 'X-API-Key': 'admin-key-1' };
const OOM = [
  '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
  'Warning  BackOff  pod/payments-api-7d9f8b6c4-x2k9q  Back-off restarting failed container',
].join('\n');
const CONTEXT = { service: 'payments-api', namespace: 'payments' };

let slack: LoopbackServer;
let runbook: LoopbackServer;
let api: TestApi;
let dir: string;

async function autoLog(extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await api.app.request(
    '/api/process_log',
    postJson({ log: OOM, mode: 'auto', context: CONTEXT, ...extra }, USER),
  );
  expect(res.status).toBe(200);
  return readJson(res);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'api-actions-'));
  slack = await startSlackProtocolDouble();
  runbook = await startWebhookProtocolDouble({ delayMs: 30, statuses: [202] });
  const secrets = join(dir, 'secrets.env');
  writeFileSync(secrets, 'RUNBOOKS_TOKEN=rb-123\n');
  api = await createTestApi({
    API_KEYS: 'acme:user-key-1',
    ADMIN_KEYS: 'admin-key-1',
    DEDUP_WINDOW_SEC: '0',
    NOTIFY_WEBHOOK_URL: `${slack.url}/services/T000/B000/XXXX`,
    POLICY_FILE: runbookPolicyFile(dir, runbook.url),
    SECRETS_FILE: secrets,
  });
});
afterAll(async () => {
  await api.close();
  await Promise.all([slack.close(), runbook.close()]);
});

describe('governed remediation over HTTP', () => {
  it('auto mode notifies now and queues the riskier action for approval', async () => {
    const result = await autoLog();
    const notify = result.actions.find((a: Json) => a.plugin === 'notify');
    expect(notify).toMatchObject({ decision: 'allowed', status: 'executed' });
    expect(slack.requests.at(-1)?.json).toMatchObject({
      text: expect.stringContaining('*oom in payments-api*'),
    });
    const webhook = result.actions.find((a: Json) => a.plugin === 'webhook');
    expect(webhook).toMatchObject({ decision: 'approval_required', status: 'pending_approval' });
    const command = result.actions.find((a: Json) => a.plugin === 'command');
    expect(command).toMatchObject({
      status: 'skipped',
      reasons: ['plugin command is not configured'],
    });

    const res = await api.app.request('/api/actions?status=pending_approval&limit=10', {
      headers: ADMIN,
    });
    expect(res.status).toBe(200);
    const page = await readJson(res);
    const queued = page.items.find((a: Json) => a.action_id === webhook.action_id);
    expect(queued).toMatchObject({
      incident_id: result.incident_id,
      tenant: 'acme',
      status: 'pending_approval',
      target: 'webhook.trigger@payments/payments-api',
      decided_by: null,
    });
    expect(Date.parse(queued.expires_at) - Date.parse(queued.created_at)).toBe(86_400_000);
  });

  it('runs an approved action exactly once under 20 simultaneous approvals', async () => {
    const result = await autoLog();
    const id = result.actions.find((a: Json) => a.plugin === 'webhook').action_id;
    const before = runbook.requests.length;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.app.request(`/api/actions/${id}/approve`, { method: 'POST', headers: ADMIN }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const ok = await readJson(responses.find((r) => r.status === 200)!);
    expect(ok).toMatchObject({
      action_id: id,
      status: 'executed',
      decided_by: keyIdOf('admin-key-1'),
      output: expect.stringMatching(/answered HTTP 202/),
    });
    const conflict = await readJson(responses.find((r) => r.status === 409)!);
    expect(conflict.error.code).toBe('action_not_pending');
    expect(runbook.requests.length - before).toBe(1);
    const sent = runbook.requests.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer rb-123');
    expect(sent.headers['idempotency-key']).toBe(id);

    const audit = await readJson(await api.app.request('/api/audit?limit=200', { headers: ADMIN }));
    const about = audit.items.filter((e: Json) => e.subject === id).map((e: Json) => e.event);
    expect(about).toEqual([
      'action.executed',
      'policy.decision',
      'action.approved',
      'policy.decision',
    ]);
    const approved = audit.items.find(
      (e: Json) => e.subject === id && e.event === 'action.approved',
    );
    expect(approved).toMatchObject({
      actor: keyIdOf('admin-key-1'),
      tenant: 'acme',
      result: 'approved',
    });
  });

  it('rejects a pending action once, keeping the reason', async () => {
    const result = await autoLog();
    const id = result.actions.find((a: Json) => a.plugin === 'webhook').action_id;
    const res = await api.app.request(
      `/api/actions/${id}/reject`,
      postJson({ reason: 'change freeze' }, ADMIN),
    );
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({
      status: 'rejected',
      decided_by: keyIdOf('admin-key-1'),
      reasons: expect.arrayContaining([`rejected by ${keyIdOf('admin-key-1')}: change freeze`]),
    });
    const again = await api.app.request(`/api/actions/${id}/reject`, {
      method: 'POST',
      headers: ADMIN,
    });
    expect(again.status).toBe(409);
    const approve = await api.app.request(`/api/actions/${id}/approve`, {
      method: 'POST',
      headers: ADMIN,
    });
    expect(approve.status).toBe(409);
  });

  it('keeps pending approvals across a restart', async () => {
    const result = await autoLog();
    const id = result.actions.find((a: Json) => a.plugin === 'webhook').action_id;
    const restarted = await createTestApi({
      API_KEYS: 'acme:user-key-1',
      ADMIN_KEYS: 'admin-key-1',
      DB_PATH: api.runtime.config.dbPath,
      EXECUTION_ENABLED: 'false',
    });
    try {
      const pending = await readJson(
        await restarted.app.request('/api/actions?status=pending_approval', { headers: ADMIN }),
      );
      expect(pending.items.map((a: Json) => a.action_id)).toContain(id);
      // Checked again at approval: execution is now switched off.
      const res = await restarted.app.request(`/api/actions/${id}/approve`, {
        method: 'POST',
        headers: ADMIN,
      });
      expect(res.status).toBe(200);
      expect(await readJson(res)).toMatchObject({
        status: 'skipped',
        reasons: expect.arrayContaining(['execution disabled']),
      });
    } finally {
      await restarted.close();
    }
  });

  it('pages through actions and the audit log', async () => {
    const first = await readJson(await api.app.request('/api/actions?limit=2', { headers: ADMIN }));
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await readJson(
      await api.app.request(`/api/actions?limit=2&cursor=${first.next_cursor}`, { headers: ADMIN }),
    );
    expect(second.items[0].action_id).not.toBe(first.items[0].action_id);
    const audit = await readJson(await api.app.request('/api/audit?limit=1', { headers: ADMIN }));
    expect(Object.keys(audit.items[0]).sort()).toEqual(
      ['actor', 'at', 'decision', 'event', 'reasons', 'result', 'subject', 'tenant'].sort(),
    );
    expect(audit.next_cursor).toEqual(expect.any(String));
  });
});
