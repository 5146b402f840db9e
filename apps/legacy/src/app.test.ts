import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, createRuntime, type Runtime } from '@agent/api';
import { loadConfig } from '@agent/config';
import { createLogger } from '@agent/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLegacyApp } from './app.js';

const OOM_LOG = [
  '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
  '    at com.acme.payments.Ledger.load(Ledger.java:88)',
  'Warning  BackOff  pod/payments-api-7d9f8b6c4-x2k9q  Back-off restarting failed container',
].join('\n');

let dir: string;
let runtime: Runtime;
let legacy: ReturnType<typeof createLegacyApp>['app'];

async function runtimeWith(env: Record<string, string>): Promise<Runtime> {
  const config = loadConfig({
    env: { DB_PATH: join(dir, 'shared.db'), ...env },
    envFile: false,
    cwd: dir,
  });
  return createRuntime(config, { logger: createLogger({ level: 'silent', format: 'json' }) });
}

function post(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'devops-agent-legacy-'));
  runtime = await runtimeWith({});
  legacy = createLegacyApp(runtime).app;
});
afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /process_log (legacy)', () => {
  it('answers the legacy shape with deprecation headers', async () => {
    const res = await legacy.request('/process_log', post({ log: OOM_LOG }));
    expect(res.status).toBe(200);
    expect(res.headers.get('deprecation')).toMatch(/^@\d+$/);
    expect(new Date(res.headers.get('sunset') ?? '').getTime()).toBeGreaterThan(Date.now());
    expect(res.headers.get('link')).toBe('</api/process_log>; rel="successor-version"');
    const body = (await res.json()) as Record<string, unknown> & {
      analysis: Record<string, unknown>;
      recommended_actions: Record<string, unknown>[];
      reasoning: { cycles: number; trace: unknown[] };
    };
    expect(body.status).toBe('processed');
    expect(body.analysis).toMatchObject({ category: 'oom', severity: expect.any(String) });
    expect(Object.keys(body.analysis).sort()).toEqual([
      'category',
      'confidence',
      'root_cause',
      'severity',
      'summary',
    ]);
    expect(body.reasoning.cycles).toBeGreaterThanOrEqual(1);
    expect(body.recommended_actions[0]).toEqual({
      plugin: 'notify',
      operation: 'send',
      risk: 'low',
      decision: expect.any(String),
      status: 'dry_run',
    });
    expect(body.incident_id).toEqual(expect.any(String));
  });

  it('stores into the same store as the primary API', async () => {
    const res = await legacy.request('/process_log', post({ log: OOM_LOG }));
    const { incident_id } = (await res.json()) as { incident_id: string };
    const primary = await runtimeWith({});
    const { app } = createApp(primary);
    const stored = await app.request(`/api/incidents/${incident_id}`);
    expect(stored.status).toBe(200);
    await primary.close();
  });

  it('uses the contract error format', async () => {
    const bad = await legacy.request('/process_log', post('{"log":'));
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; request_id: string } };
    expect(body.error.code).toBe('invalid_json');
    expect(body.error.request_id).toBe(bad.headers.get('x-request-id'));

    const missing = await legacy.request('/process_log', post({ mode: 'safe' }));
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(
      /^log/,
    );

    const unknown = await legacy.request('/nope');
    expect(unknown.status).toBe(404);
    const wrongMethod = await legacy.request('/process_log');
    expect(wrongMethod.status).toBe(405);

    const auto = await legacy.request('/process_log', post({ log: OOM_LOG, mode: 'auto' }));
    expect(auto.status).toBe(403);
  });

  it('GET /health answers as /api/health', async () => {
    const res = await legacy.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', version: runtime.version });
  });

  it('applies the same keys', async () => {
    const keyed = await runtimeWith({ API_KEYS: 'legacy-key-1' });
    const app = createLegacyApp(keyed).app;
    expect((await app.request('/process_log', post({ log: OOM_LOG }))).status).toBe(401);
    expect(
      (await app.request('/process_log', post({ log: OOM_LOG }, { 'X-API-Key': 'legacy-key-1' })))
        .status,
    ).toBe(200);
    await keyed.close();
  });
});
