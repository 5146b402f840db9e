import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@agent/config';
import { createLogger } from '@agent/observability';
import { type AppOptions, createApp } from '../src/app.js';
import { createRuntime, type Runtime } from '../src/runtime.js';

export interface TestApi {
  runtime: Runtime;
  app: ReturnType<typeof createApp>['app'];
  routes: ReturnType<typeof createApp>['routes'];
  websocket: ReturnType<typeof createApp>['websocket'];
  dir: string;
  close(): Promise<void>;
}

/** A real runtime (SQLite file in a temp dir, silent logs) and the app on top of it. */
export async function createTestApi(
  env: Record<string, string> = {},
  appOptions: AppOptions = {},
): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'devops-agent-api-'));
  const config = loadConfig({
    env: { DB_PATH: join(dir, 'knowledge.db'), ...env },
    envFile: false,
    cwd: dir,
  });
  const runtime = await createRuntime(config, {
    logger: createLogger({ level: 'silent', format: 'json' }),
  });
  const { app, routes, websocket } = createApp(runtime, appOptions);
  return {
    runtime,
    app,
    routes,
    websocket,
    dir,
    async close() {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** Realistic logs written for these tests. */
export const LOGS = {
  oomCrashLoop: [
    '2026-11-20T10:00:01Z INFO  starting payments-api version=1.4.2',
    '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
    '    at com.acme.payments.Ledger.load(Ledger.java:88)',
    'Warning  BackOff  pod/payments-api-7d9f8b6c4-x2k9q  Back-off restarting failed container',
  ].join('\n'),
  dnsTimeouts: [
    'Nov 26 09:14:02 web-3 checkout[2211]: dial tcp: lookup orders.internal on 10.96.0.10:53: no such host',
    'Nov 26 09:14:07 web-3 checkout[2211]: GET /api/orders failed: context deadline exceeded',
    'Nov 26 09:14:12 web-3 checkout[2211]: GET /api/orders failed: context deadline exceeded',
  ].join('\n'),
  healthy: [
    '2026-11-20T10:00:01Z INFO server listening on :8080',
    '2026-11-20T10:00:02Z INFO GET /healthz 200 1.2ms',
  ].join('\n'),
} as const;

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies and assert on them
export type Json = any;

export async function readJson(res: Response): Promise<Json> {
  return res.json();
}

/**
 * A policy file in `dir` with one webhook hook, `runbook`, posting to the
 * runbook double at `runbookUrl` with a bearer token read from `secret`
 * (`runbooks#token` unless given).
 */
export function runbookPolicyFile(
  dir: string,
  runbookUrl: string,
  secret = 'runbooks#token',
): string {
  const path = join(dir, 'policy.json');
  writeFileSync(
    path,
    JSON.stringify({
      actuators: {
        webhook: {
          allowed_hosts: ['127.0.0.1'],
          hooks: {
            runbook: {
              url: `${runbookUrl}/hooks/devops-agent`,
              headers: { Authorization: { secret, prefix: 'Bearer ' } },
            },
          },
        },
      },
    }),
  );
  return path;
}
