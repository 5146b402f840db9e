import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, LOGS, postJson, readJson, type TestApi } from '../test/harness.js';

// CI installs promtool (.ci/run, Debian package `prometheus`). Elsewhere the
// check is skipped, and says so, rather than passing silently.
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
if (!hasPromtool) {
  console.warn(
    '[metrics.promtool.test] SKIPPED: promtool is not installed (apt-get install prometheus); the /api/metrics exposition is not validated here',
  );
}

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ RATE_LIMIT_REQUESTS: '100000' });
});
afterAll(async () => {
  await api?.close();
});

describe('GET /api/metrics after real traffic', () => {
  it.skipIf(!hasPromtool)('passes `promtool check metrics`', async () => {
    const processed = await api.app.request(
      '/api/process_log',
      postJson({ log: LOGS.oomCrashLoop }),
    );
    expect(processed.status).toBe(200);
    const { incident_id: id } = await readJson(processed);
    expect((await api.app.request(`/api/incidents/${id}`)).status).toBe(200);
    expect((await api.app.request('/api/no-such-route?x=1')).status).toBe(404);
    expect((await api.app.request('/api/process_log', postJson('{'))).status).toBe(400);

    const res = await api.app.request('/api/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    // The scrape carries what the traffic above produced, with route patterns.
    expect(body).toMatch(/^agent_process_log_total\{category="[a-z_]+",mode="safe",/m);
    expect(body).toContain('route="/api/incidents/:id"');
    expect(body).toContain('route="unmatched"');
    expect(body).not.toContain(String(id));
    expect(body).toContain('# TYPE agent_reasoning_cycles histogram');

    const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
  });
});
