import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, type RouteAccess, type RouteEntry, type Runtime } from '@agent/api';
import { loadConfig } from '@agent/config';
import { createLogger } from '@agent/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLegacyApp } from './app.js';

// The legacy app's route x credential matrix (issue 6), generated from its
// route table like the primary API's, so a new legacy route is covered too.

const KEYS = {
  userA: 'legacy-matrix-user-a',
  userB: 'legacy-matrix-user-b',
  admin: 'legacy-matrix-admin',
  unknown: 'legacy-matrix-nobody',
} as const;

type Credential = 'none' | 'unknown' | 'user' | 'other_tenant' | 'admin' | 'admin_query';
const CREDENTIALS: readonly Credential[] = [
  'none',
  'unknown',
  'user',
  'other_tenant',
  'admin',
  'admin_query',
];

const MODES = [
  {
    name: 'keyed',
    env: { API_KEYS: `tenant-a:${KEYS.userA},tenant-b:${KEYS.userB}`, ADMIN_KEYS: KEYS.admin },
  },
  { name: 'open', env: {} },
  { name: 'open with admin keys', env: { ADMIN_KEYS: KEYS.admin } },
  {
    name: 'keyed, licence required and missing',
    env: {
      API_KEYS: `tenant-a:${KEYS.userA},tenant-b:${KEYS.userB}`,
      ADMIN_KEYS: KEYS.admin,
      REQUIRE_LICENSE: 'true',
    },
  },
] as const;

type Outcome = 'pass' | 401 | 402 | 403;
const CODE_OF = { 401: 'unauthorized', 402: 'license_invalid', 403: 'forbidden' } as const;

function expectedOutcome(mode: string, access: RouteAccess, credential: Credential): Outcome {
  if (access === 'none') return 'pass';
  if (mode === 'keyed, licence required and missing') {
    const keyed = expectedOutcome('keyed', access, credential);
    return keyed === 'pass' ? 402 : keyed;
  }
  const isAdmin = credential === 'admin' || credential === 'admin_query';
  if (mode === 'open') return access === 'key' ? 'pass' : 403;
  if (mode === 'open with admin keys') {
    if (isAdmin) return 'pass';
    if (credential === 'none') return access === 'key' ? 'pass' : 401;
    return 401;
  }
  if (credential === 'none' || credential === 'unknown') return 401;
  if (access === 'key') return 'pass';
  return isAdmin ? 'pass' : 403;
}

function requestFor(route: RouteEntry, credential: Credential): { url: string; init: RequestInit } {
  let url = route.path.replace(/\{[^}/]+\}/g, '00000000-0000-4000-8000-000000000000');
  const headers: Record<string, string> = {};
  const key = {
    none: undefined,
    unknown: KEYS.unknown,
    user: KEYS.userA,
    other_tenant: KEYS.userB,
    admin: KEYS.admin,
    admin_query: undefined,
  }[credential];
  if (key) headers['X-API-Key'] = key;
  if (credential === 'admin_query') url += `?api_key=${KEYS.admin}`;
  const init: RequestInit = { method: route.method, headers };
  if (route.method !== 'GET' && route.method !== 'HEAD') {
    headers['Content-Type'] = 'application/json';
    init.body = '{}';
  }
  return { url, init };
}

for (const mode of MODES) {
  describe(`legacy route x credential matrix (${mode.name} mode)`, () => {
    let dir: string;
    let runtime: Runtime;
    let legacy: ReturnType<typeof createLegacyApp>;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'devops-agent-legacy-matrix-'));
      const config = loadConfig({
        env: { DB_PATH: join(dir, 'knowledge.db'), ...mode.env },
        envFile: false,
        cwd: dir,
      });
      runtime = await createRuntime(config, {
        logger: createLogger({ level: 'silent', format: 'json' }),
      });
      legacy = createLegacyApp(runtime);
    });
    afterAll(async () => {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the route table lists the legacy routes', () => {
      const table = new Map(
        legacy.routes.entries().map((r) => [`${r.method} ${r.path}`, r.access]),
      );
      expect(table.get('POST /process_log')).toBe('key');
      expect(table.get('GET /health')).toBe('none');
    });

    it('every route answers every credential as its access level says', async () => {
      const failures: string[] = [];
      for (const route of legacy.routes.entries()) {
        for (const credential of CREDENTIALS) {
          const expected = expectedOutcome(mode.name, route.access, credential);
          const { url, init } = requestFor(route, credential);
          const res = await legacy.app.request(url, init);
          const label = `${route.method} ${route.path} [${route.access}] as ${credential}: ${res.status}`;
          const requestId = res.headers.get('x-request-id');
          expect(requestId, label).toMatch(/\S+/);
          if (expected === 'pass') {
            if ([401, 402, 403, 405].includes(res.status) || res.status >= 500) {
              failures.push(`${label}, expected to pass the guards`);
            }
            continue;
          }
          if (res.status !== expected) {
            failures.push(`${label}, expected ${expected}`);
            continue;
          }
          const body = await res.json();
          expect(body, label).toEqual({
            error: {
              code: CODE_OF[expected],
              message: expect.any(String),
              request_id: requestId,
            },
          });
          for (const secret of Object.values(KEYS)) {
            expect(JSON.stringify(body)).not.toContain(secret);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  });
}
