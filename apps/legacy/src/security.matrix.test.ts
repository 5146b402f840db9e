import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, type Runtime } from '@agent/api';
import { loadConfig } from '@agent/config';
import { createLogger } from '@agent/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CODE_OF,
  CREDENTIALS,
  expectedOutcome,
  KEYS,
  MODES,
  requestFor,
} from '../../api/test/security-matrix.js';
import { createLegacyApp } from './app.js';

// The legacy app's route x credential matrix (issue 6), generated from its
// route table with the primary API's matrix, so a new legacy route is covered too.

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
