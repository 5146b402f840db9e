import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@agent/config';
import { createLogger } from '@agent/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../test/harness.js';
import { createApp } from './app.js';
import { createRuntime, type Runtime } from './runtime.js';

// Issue 6: secrets in a submitted log, and the service's own keys and
// signing material, never reach a response, the store (the database file
// itself), a log line (LOG_FORMAT=json, debug level) or /api/config.

const USER_KEY = 'leak-test-user-key-7f3a9c';
const ADMIN_KEY = 'leak-test-admin-key-41be22';
const SIGNING_SECRET = 'leak-test-signing-secret-9d0e1f2a3b4c';
const LICENSE_KEY = 'leak.test.licence-key-value-5566';

const LOG_SECRETS = {
  dbPassword: 'Hunter2-db-pass',
  bearer: '8f14e45fceea167a5a36dedd4bea2543',
  jwtSignature: 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  awsKeyId: 'AKIAIOSFODNN7EXAMPLE',
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  basic: 'dXNlcjpwYXNzd29yZA==',
  keyBody: 'MIIEowIBAAKCAQEAx7Yp3bF0nq9E1xGm6n4kGk3hZk2oQx4Jd9c8bDq1q3b0rXk7',
  github: 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB',
};

const SECRET_LOG = [
  `2026-11-26T10:00:01Z ERROR connect ECONNREFUSED postgres://orders:${LOG_SECRETS.dbPassword}@db.internal:5432/orders`,
  `2026-11-26T10:00:02Z DEBUG GET /v1/charge headers={Authorization: Bearer ${LOG_SECRETS.bearer}}`,
  `2026-11-26T10:00:03Z WARN token rejected: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${LOG_SECRETS.jwtSignature}`,
  `2026-11-26T10:00:04Z ERROR s3 upload failed for ${LOG_SECRETS.awsKeyId} AWS_SECRET_ACCESS_KEY=${LOG_SECRETS.awsSecret}`,
  `2026-11-26T10:00:05Z ERROR proxy sent "Authorization: Basic ${LOG_SECRETS.basic}" and got 407`,
  '-----BEGIN RSA PRIVATE KEY-----',
  LOG_SECRETS.keyBody,
  '-----END RSA PRIVATE KEY-----',
  `2026-11-26T10:00:06Z ERROR git clone with ${LOG_SECRETS.github} failed: connection refused`,
].join('\n');

const ALL_SECRETS = [
  ...Object.values(LOG_SECRETS),
  USER_KEY,
  ADMIN_KEY,
  SIGNING_SECRET,
  LICENSE_KEY,
];

function leaked(text: string): string[] {
  return ALL_SECRETS.filter((secret) => text.includes(secret));
}

let dir: string;
let runtime: Runtime;
let app: ReturnType<typeof createApp>['app'];
const logLines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'devops-agent-leaks-'));
  const config = loadConfig({
    env: {
      DB_PATH: join(dir, 'knowledge.db'),
      API_KEYS: `tenant-a:${USER_KEY}`,
      ADMIN_KEYS: ADMIN_KEY,
      LICENSE_SIGNING_SECRET: SIGNING_SECRET,
      LICENSE_KEY,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'debug',
    },
    envFile: false,
    cwd: dir,
  });
  runtime = await createRuntime(config, {
    logger: createLogger({
      level: 'debug',
      format: 'json',
      // A batch of span lines arrives in one write: keep one entry per line.
      destination: { write: (chunk: string) => void logLines.push(...chunk.split(/(?<=\n)/)) },
    }),
  });
  app = createApp(runtime).app;
});

afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets never leak', () => {
  let incidentId: string;

  it('the analysis answered to the caller carries no secret of the log', async () => {
    const res = await app.request(
      `/api/process_log?api_key=${USER_KEY}`,
      postJson({ log: SECRET_LOG, include_trace: true }),
    );
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(leaked(text)).toEqual([]);
    incidentId = JSON.parse(text).incident_id;
    expect(text).toContain('[REDACTED]');
  });

  it('the stored incident, read back by id and in the list, carries none', async () => {
    const one = await app.request(`/api/incidents/${incidentId}`, {
      headers: { 'X-API-Key': USER_KEY },
    });
    expect(one.status).toBe(200);
    expect(leaked(await one.text())).toEqual([]);
    const list = await app.request('/api/incidents', { headers: { 'X-API-Key': ADMIN_KEY } });
    expect(list.status).toBe(200);
    expect(leaked(await list.text())).toEqual([]);
  });

  it('the database file itself holds none', async () => {
    // Let the store flush, then read its files byte for byte.
    await app.request('/api/ready');
    for (const name of ['knowledge.db', 'knowledge.db-wal']) {
      const path = join(dir, name);
      if (!existsSync(path)) continue;
      expect(leaked(readFileSync(path).toString('latin1')), name).toEqual([]);
    }
  });

  it('requests that fail carry no key in their error or their log line', async () => {
    const bad = await app.request(`/api/process_log?api_key=${ADMIN_KEY}x`, postJson({ log: 'x' }));
    expect(bad.status).toBe(401);
    const invalid = await app.request(
      '/api/process_log',
      postJson(`{"log": "password=${LOG_SECRETS.dbPassword}`, { 'X-API-Key': USER_KEY }),
    );
    expect(invalid.status).toBe(400);
    expect(leaked(await bad.text())).toEqual([]);
    expect(leaked(await invalid.text())).toEqual([]);
    // JSON.parse quotes the start of a body it cannot read; the error does not.
    for (const body of [LOG_SECRETS.dbPassword, `${LOG_SECRETS.github} trailing`]) {
      const res = await app.request('/api/process_log', postJson(body, { 'X-API-Key': USER_KEY }));
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(JSON.parse(text).error.code).toBe('invalid_json');
      expect(text).not.toContain(LOG_SECRETS.dbPassword.slice(0, 8));
      expect(text).not.toContain(LOG_SECRETS.github.slice(0, 8));
    }
  });

  it('/api/config shows no key, secret or licence', async () => {
    const res = await app.request('/api/config', { headers: { 'X-API-Key': ADMIN_KEY } });
    expect(res.status).toBe(200);
    expect(leaked(await res.text())).toEqual([]);
  });

  it('no log line (JSON, debug level) holds a secret, a key or the api_key query parameter', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const all = logLines.join('\n');
    expect(leaked(all)).toEqual([]);
    expect(all).not.toContain('api_key=');
  });
});
