import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyIdOf } from '@agent/auth';
import { loadConfig } from '@agent/config';
import { createLogger, InMemorySpanExporter } from '@agent/observability';
import { afterEach, describe, expect, it } from 'vitest';
import { LOGS, postJson, readJson } from '../test/harness.js';
import { createApp } from './app.js';
import { createRuntime, type Runtime } from './runtime.js';

// The access log through the real app: one line per request with the request
// id, method, route pattern, status, duration, key id, tenant and (tracing on)
// trace id. Neither the key nor an `api_key` query value reaches any line.

const KEY = 'sk-live-accesslog-marker-5b8e1d7c';
const WRONG_KEY = 'sk-wrong-accesslog-marker-0a9f3c2e';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

let dir: string | undefined;
let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  runtime = undefined;
  dir = undefined;
});

async function start(tracing: boolean) {
  dir = mkdtempSync(join(tmpdir(), 'devops-agent-access-'));
  const config = loadConfig({
    env: {
      DB_PATH: join(dir, 'knowledge.db'),
      API_KEYS: `acme:${KEY}`,
      ENABLE_TRACING: String(tracing),
    },
    envFile: false,
    cwd: dir,
  });
  const output: string[] = [];
  runtime = await createRuntime(config, {
    logger: createLogger({
      level: 'info',
      format: 'json',
      destination: { write: (chunk) => void output.push(...chunk.split(/(?<=\n)/)) },
    }),
    spanExporter: new InMemorySpanExporter(),
  });
  const { app } = createApp(runtime);
  const requestLines = () =>
    output
      .flatMap((chunk) => chunk.split('\n').filter((l) => l.trim() !== ''))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.msg === 'request');
  return { app, output, requestLines };
}

describe('access log lines through the real app', () => {
  it('carry request id, method, route pattern, status, duration, key id, tenant and trace id', async () => {
    const { app, output, requestLines } = await start(true);
    const processed = await app.request(
      '/api/process_log',
      postJson(
        { log: LOGS.dnsTimeouts },
        { 'X-API-Key': KEY, traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
      ),
    );
    expect(processed.status).toBe(200);
    const { incident_id: id } = await readJson(processed);
    const fetched = await app.request(`/api/incidents/${id}?api_key=${KEY}&page=1`);
    expect(fetched.status).toBe(200);
    const refused = await app.request(`/api/incidents?api_key=${WRONG_KEY}`);
    expect(refused.status).toBe(401);

    const lines = requestLines();
    expect(lines).toHaveLength(3);
    const [post, get, denied] = lines;
    expect(post).toEqual({
      level: 'info',
      time: expect.anything(),
      msg: 'request',
      request_id: processed.headers.get('x-request-id'),
      method: 'POST',
      route: '/api/process_log',
      path: '/api/process_log',
      status: 200,
      duration_ms: expect.any(Number),
      key_id: keyIdOf(KEY),
      tenant: 'acme',
      trace_id: TRACE_ID,
    });
    expect(get).toMatchObject({
      request_id: fetched.headers.get('x-request-id'),
      method: 'GET',
      route: '/api/incidents/:id',
      path: `/api/incidents/${id}`,
      status: 200,
      key_id: keyIdOf(KEY),
      tenant: 'acme',
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(denied).toMatchObject({ method: 'GET', route: '/api/incidents', status: 401 });
    expect(denied).not.toHaveProperty('key_id');
    expect(post?.key_id).not.toBe(KEY);

    // Nothing the service logged carries either key, nor the query string.
    const everything = output.join('');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(WRONG_KEY);
    expect(everything).not.toContain('api_key=');
  });

  it('leave the trace id out when tracing is off', async () => {
    const { app, output, requestLines } = await start(false);
    const res = await app.request('/api/health', { headers: { 'X-API-Key': KEY } });
    expect(res.status).toBe(200);
    const [line] = requestLines();
    expect(line).toMatchObject({ method: 'GET', route: '/api/health', status: 200 });
    expect(line).not.toHaveProperty('trace_id');
    expect(output.join('')).not.toContain(KEY);
  });
});
