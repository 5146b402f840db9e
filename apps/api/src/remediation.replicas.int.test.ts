import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type LoopbackServer,
  startSlackProtocolDouble,
  startWebhookProtocolDouble,
} from '@agent/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../test/harness.js';
import { type SpawnedServer, spawnServer } from '../test/spawn-server.js';
import { postgresSchemas, TEST_DATABASE_URL } from '../test/store-drivers.js';

// Built servers as separate processes: the blast radius held across replicas
// racing on one store, and an approved execution cut short by kill -9.

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'devops-agent-remediation-replicas-'));
const schemas = postgresSchemas('remediation_replicas');
if (!TEST_DATABASE_URL) {
  console.warn('SKIP: blast radius across replicas on PostgreSQL — TEST_DATABASE_URL is not set');
}
const USER = { 'X-API-Key': 'user-key-1' };
const ADMIN = { 'X-API-Key': 'admin-key-1' };
const OOM = [
  '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
  'Warning  BackOff  pod/payments-api-7d9f8b6c4-x2k9q  Back-off restarting failed container',
].join('\n');
const CONTEXT = { service: 'payments-api', namespace: 'payments' };

let slack: LoopbackServer;
let runbook: LoopbackServer;
let policyFile: string;
let secretsFile: string;

beforeAll(async () => {
  // Slow receivers: executions overlap, as they do under load.
  slack = await startSlackProtocolDouble({ delayMs: 300 });
  runbook = await startWebhookProtocolDouble({ delayMs: 120_000, statuses: [202] });
  policyFile = join(dir, 'policy.json');
  writeFileSync(
    policyFile,
    JSON.stringify({
      blast_radius: { max_executions: 3, window_sec: 3600 },
      actuators: {
        webhook: {
          allowed_hosts: ['127.0.0.1'],
          timeout_ms: 110_000,
          retries: 0,
          hooks: { runbook: { url: `${runbook.url}/hooks/devops-agent` } },
        },
      },
    }),
  );
  secretsFile = join(dir, 'secrets.env');
  writeFileSync(secretsFile, '');
});
afterAll(async () => {
  await Promise.all([slack?.close(), runbook?.close()]);
  await schemas.dropAll();
  rmSync(dir, { recursive: true, force: true });
});

function env(store: Record<string, string>): Record<string, string> {
  return {
    PORT: '0',
    LOG_LEVEL: 'info',
    RATE_LIMIT_REQUESTS: '1000000',
    API_KEYS: 'acme:user-key-1',
    ADMIN_KEYS: 'admin-key-1',
    DEDUP_WINDOW_SEC: '0',
    NOTIFY_WEBHOOK_URL: `${slack.url}/services/T000/B000/XXXX`,
    POLICY_FILE: policyFile,
    SECRETS_FILE: secretsFile,
    ...store,
  };
}

async function call(
  url: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const targets = [
  {
    name: 'PostgreSQL',
    skip: !TEST_DATABASE_URL,
    store: async () => ({ DATABASE_URL: await schemas.fresh() }),
  },
  {
    name: 'SQLite (one file)',
    skip: false,
    store: async () => ({ DB_PATH: join(dir, `${Date.now()}.db`) }),
  },
];

for (const target of targets) {
  describe.skipIf(target.skip)(`remediation on one ${target.name} store`, () => {
    let store: Record<string, string>;
    let a: SpawnedServer | undefined;
    let b: SpawnedServer | undefined;

    beforeAll(async () => {
      store = await target.store();
      [a, b] = await Promise.all([spawnServer(ENTRY, env(store)), spawnServer(ENTRY, env(store))]);
    }, 60_000);
    afterAll(async () => {
      await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    });

    it('executes only up to the blast radius under 12 concurrent auto requests through two replicas', async () => {
      const sentBefore = slack.requests.length;
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, n) =>
          call((n % 2 === 0 ? a : b)!.url, '/api/process_log', USER, {
            log: `${OOM}\nrequest ${n}`,
            mode: 'auto',
            context: CONTEXT,
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
      const notify = results.map((r) => r.body.actions.find((x: Json) => x.plugin === 'notify'));
      expect(notify.filter((x: Json) => x.status === 'executed')).toHaveLength(3);
      const skipped = notify.filter((x: Json) => x.status === 'skipped');
      expect(skipped).toHaveLength(9);
      for (const action of skipped) {
        expect(action.reasons).toEqual([
          'blast radius reached: 3 executions on notify.send@payments/payments-api in the last 3600 s (limit 3)',
        ]);
      }
      expect(slack.requests.length - sentBefore).toBe(3);
    });

    it('marks an approved execution cut short by kill -9 failed on restart, and never runs it again', async () => {
      const planned = await call(a!.url, '/api/process_log', USER, {
        log: `${OOM}\nbefore the crash`,
        mode: 'auto',
        context: CONTEXT,
      });
      const webhook = planned.body.actions.find((x: Json) => x.plugin === 'webhook');
      expect(webhook.status).toBe('pending_approval');
      const postsBefore = runbook.requests.length;
      // The runbook endpoint holds the call: the server dies mid-execution.
      void fetch(`${a!.url}/api/actions/${webhook.action_id}/approve`, {
        method: 'POST',
        headers: ADMIN,
      }).catch(() => {});
      for (let i = 0; i < 400 && runbook.requests.length === postsBefore; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(runbook.requests.length).toBe(postsBefore + 1);
      await a!.stop('SIGKILL');

      // Still claimed, as the other replica sees it: failed, with no outcome.
      const during = await call(b!.url, '/api/actions?status=failed&limit=200', ADMIN);
      expect(during.body.items.find((x: Json) => x.action_id === webhook.action_id).error).toBe(
        'approved; execution started and recorded no result',
      );

      a = await spawnServer(ENTRY, env(store));
      const after = await call(a.url, '/api/actions?status=failed&limit=200', ADMIN);
      const action = after.body.items.find((x: Json) => x.action_id === webhook.action_id);
      expect(action).toMatchObject({
        status: 'failed',
        error:
          'interrupted: the server stopped during execution; the outcome is unknown, check the target before retrying',
      });
      expect(action.executed_at).not.toBeNull();
      const audit = await call(a.url, '/api/audit?limit=200', ADMIN);
      expect(
        audit.body.items.filter(
          (e: Json) => e.event === 'action.interrupted' && e.subject === webhook.action_id,
        ),
      ).toHaveLength(1);
      const again = await call(a.url, `/api/actions/${webhook.action_id}/approve`, ADMIN, {});
      expect(again.status).toBe(409);
      expect(runbook.requests.length).toBe(postsBefore + 1);
    }, 60_000);
  });
}
