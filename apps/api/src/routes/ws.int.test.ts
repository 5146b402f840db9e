import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApi, LOGS, postJson, readJson, type TestApi } from '../../test/harness.js';
import { connect, type TestSocket } from '../../test/ws-client.js';
import type { AppOptions } from '../app.js';
import { type RunningServer, startServer } from '../http/serve.js';

interface Started {
  api: TestApi;
  server: RunningServer;
  http: string;
  ws: string;
}

const running: Started[] = [];
const sockets: TestSocket[] = [];

async function start(env: Record<string, string> = {}, options: AppOptions = {}): Promise<Started> {
  const api = await createTestApi(env, options);
  const server = await startServer({
    fetch: api.app.fetch,
    port: 0,
    host: '127.0.0.1',
    logger: api.runtime.logger,
    name: 'test API',
    onClose: () => api.close(),
    websocket: api.websocket,
    drainTimeoutMs: 2000,
  });
  api.runtime.listeningOn(server.port);
  const started = { api, server, http: server.url, ws: server.url.replace('http', 'ws') };
  running.push(started);
  return started;
}

async function open(url: string, headers?: Record<string, string>): Promise<TestSocket> {
  const socket = await connect(url, headers ? { headers } : {});
  sockets.push(socket);
  return socket;
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await Promise.all(running.splice(0).map((s) => s.server.shutdown()));
});

const KEYS = { API_KEYS: 'acme:acme-key-1,globex:globex-key-1', ADMIN_KEYS: 'admin-key-1' };

describe('/api/ws: streamed analysis', () => {
  it('streams every reasoning step, then the result, for a process_log message', async () => {
    const { ws } = await start();
    const socket = await open(`${ws}/api/ws`);
    const ready = await socket.next((m) => m.type === 'ready');
    expect(ready).toMatchObject({ tenant: 'default', max_message_bytes: 1048576 });

    socket.send({ type: 'process_log', id: 'req-1', log: LOGS.dnsTimeouts });
    const result = await socket.next((m) => m.type === 'result' && m.id === 'req-1');
    expect(result.result.category).toBe('dns_failure');
    const traces = socket.messages.filter((m) => m.type === 'trace' && m.id === 'req-1');
    expect(traces.length).toBeGreaterThan(0);
    // The steps arrive before the result and are exactly the result's trace.
    expect(socket.messages.indexOf(result)).toBeGreaterThan(socket.messages.indexOf(traces.at(-1)));
    expect(traces.map((t) => t.step)).toEqual(result.result.reasoning.trace);
    expect(traces[0].step).toMatchObject({ cycle: 1, phase: expect.any(String) });
  });

  it('keeps several requests apart by id, and sends no steps with include_trace false', async () => {
    const { ws } = await start();
    const socket = await open(`${ws}/api/ws`);
    socket.send({ type: 'process_log', id: 'a', log: LOGS.oomCrashLoop });
    socket.send({ type: 'process_log', id: 'b', log: LOGS.healthy, include_trace: false });
    const [a, b] = await Promise.all([
      socket.next((m) => m.type === 'result' && m.id === 'a'),
      socket.next((m) => m.type === 'result' && m.id === 'b'),
    ]);
    expect(a.result.category).toBe('oom');
    expect(b.result.category).toBe('none');
    expect(socket.messages.filter((m) => m.type === 'trace' && m.id === 'b')).toEqual([]);
  });

  it('answers invalid messages with the contract error body and keeps the connection', async () => {
    const { ws } = await start();
    const socket = await open(`${ws}/api/ws`);

    socket.send({ type: 'process_log', id: 'v1', log: '   ' });
    const blank = await socket.next((m) => m.type === 'error' && m.id === 'v1');
    expect(blank.error).toEqual({
      code: 'validation_failed',
      message: 'log: must not be blank',
      request_id: expect.any(String),
    });

    socket.send({ type: 'process_log', id: 'v2', log: 'x', mode: 'yolo' });
    const mode = await socket.next((m) => m.type === 'error' && m.id === 'v2');
    expect(mode.error.code).toBe('validation_failed');
    expect(mode.error.message).toMatch(/^mode: /);

    socket.send('{"type": "process_log", ');
    const json = await socket.next((m) => m.type === 'error' && m.error.code === 'invalid_json');
    expect(json.id).toBeNull();

    socket.send({ type: 'process_log', log: 'no id' });
    const noId = await socket.next((m) => m.type === 'error' && /^id: /.test(m.error.message));
    expect(noId.error.code).toBe('validation_failed');

    socket.send({ type: 'launch_missiles', id: 'x' });
    const unknown = await socket.next((m) => m.type === 'error' && m.id === 'x');
    expect(unknown.error.message).toMatch(/^type: expected one of process_log, subscribe/);

    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const binary = await socket.next((m) => m.error?.code === 'unsupported_media_type');
    expect(binary.type).toBe('error');

    socket.send({ type: 'process_log', id: 'auto', log: LOGS.oomCrashLoop, mode: 'auto' });
    const auto = await socket.next((m) => m.type === 'error' && m.id === 'auto');
    expect(auto.error.code).toBe('forbidden');

    // Still usable after all of that.
    socket.send({ type: 'ping', id: 'p' });
    expect(await socket.next((m) => m.type === 'pong')).toEqual({ type: 'pong', id: 'p' });
  });

  it('closes with 1009 when a message is larger than MAX_LOG_BYTES', async () => {
    const { ws } = await start({ MAX_LOG_BYTES: '2048' });
    const socket = await open(`${ws}/api/ws`);
    socket.send({ type: 'process_log', id: 'big', log: 'x'.repeat(4096) });
    expect((await socket.closed).code).toBe(1009);
  });

  it('answers rate_limited with the same limiter as HTTP, then lets the window pass', async () => {
    const { http, ws } = await start({ ...KEYS, RATE_LIMIT_REQUESTS: '3' });
    const socket = await open(`${ws}/api/ws?api_key=acme-key-1`); // 1: the upgrade
    socket.send({ type: 'process_log', id: 'r1', log: LOGS.healthy }); // 2
    await socket.next((m) => m.type === 'result' && m.id === 'r1');
    // 3: over HTTP with the same key: one budget per key, whatever the transport.
    const res = await fetch(`${http}/api/incidents`, { headers: { 'X-API-Key': 'acme-key-1' } });
    expect(res.status).toBe(200);
    socket.send({ type: 'process_log', id: 'r2', log: LOGS.healthy });
    const limited = await socket.next((m) => m.type === 'error' && m.id === 'r2');
    expect(limited.error.code).toBe('rate_limited');
    expect(limited.retry_after_s).toBeGreaterThan(0);
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
  });
});

describe('/api/ws: authentication', () => {
  it('accepts a key in the X-API-Key header or the api_key query parameter', async () => {
    const { ws } = await start(KEYS);
    const byHeader = await open(`${ws}/api/ws`, { 'X-API-Key': 'acme-key-1' });
    expect((await byHeader.next((m) => m.type === 'ready')).tenant).toBe('acme');
    const byQuery = await open(`${ws}/api/ws?api_key=globex-key-1`);
    expect((await byQuery.next((m) => m.type === 'ready')).tenant).toBe('globex');
  });

  it.each([
    ['no key', '', /an API key is required/],
    ['an unknown key', '?api_key=wrong-key', /not recognised/],
  ])('closes with 1008 after an unauthorized error for %s', async (_label, query, message) => {
    const { ws } = await start(KEYS);
    const socket = await open(`${ws}/api/ws${query}`);
    const closed = await socket.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/^unauthorized: /);
    expect(socket.messages).toEqual([
      {
        type: 'error',
        id: null,
        error: {
          code: 'unauthorized',
          message: expect.stringMatching(message),
          request_id: expect.any(String),
        },
      },
    ]);
  });

  it('closes with 1008 when a licence is required and missing', async () => {
    const { ws } = await start({ REQUIRE_LICENSE: 'true' });
    const socket = await open(`${ws}/api/ws`);
    expect((await socket.closed).code).toBe(1008);
    expect(socket.messages[0].error.code).toBe('license_invalid');
  });

  it('closes with 1013 when the upgrade itself is over the rate limit', async () => {
    const { ws } = await start({ ...KEYS, RATE_LIMIT_REQUESTS: '1' });
    await open(`${ws}/api/ws?api_key=acme-key-1`);
    const second = await open(`${ws}/api/ws?api_key=acme-key-1`);
    expect((await second.closed).code).toBe(1013);
    expect(second.messages[0].error.code).toBe('rate_limited');
  });

  it('answers a plain GET (no upgrade) with 400 and the contract body', async () => {
    const { http } = await start();
    const res = await fetch(`${http}/api/ws`);
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.code).toBe('validation_failed');
  });
});

describe('/api/ws: incident subscriptions', () => {
  it("streams new incidents of the key's tenant only; admins see every tenant", async () => {
    const { http, ws } = await start(KEYS);
    const acme = await open(`${ws}/api/ws?api_key=acme-key-1`);
    const admin = await open(`${ws}/api/ws?api_key=admin-key-1`);
    for (const socket of [acme, admin]) {
      socket.send({ type: 'subscribe', topic: 'incidents' });
      await socket.next((m) => m.type === 'subscribed');
    }

    const post = (key: string, log: string) =>
      fetch(`${http}/api/process_log`, postJson({ log }, { 'X-API-Key': key })).then(readJson);
    const fromGlobex = await post('globex-key-1', LOGS.healthy);
    const fromAcme = await post('acme-key-1', LOGS.dnsTimeouts);

    const event = await acme.next((m) => m.type === 'incident');
    expect(event.topic).toBe('incidents');
    expect(event.incident).toMatchObject({
      incident_id: fromAcme.incident_id,
      tenant: 'acme',
      category: 'dns_failure',
      received_at: expect.any(String),
      occurrences: expect.any(Number),
    });
    const seenByAdmin = [
      await admin.next((m) => m.incident?.incident_id === fromAcme.incident_id),
      await admin.next((m) => m.incident?.incident_id === fromGlobex.incident_id),
    ];
    expect(seenByAdmin.map((m) => m.incident.tenant).sort()).toEqual(['acme', 'globex']);
    // Give a stray globex event time to arrive before asserting its absence.
    await new Promise((r) => setTimeout(r, 100));
    expect(acme.messages.filter((m) => m.type === 'incident')).toHaveLength(1);
  });

  it('includes incidents analysed over the WebSocket itself, and stops after unsubscribe', async () => {
    const { ws } = await start();
    const socket = await open(`${ws}/api/ws`);
    socket.send({ type: 'subscribe', topic: 'incidents' });
    await socket.next((m) => m.type === 'subscribed');
    socket.send({ type: 'process_log', id: 'w1', log: LOGS.oomCrashLoop });
    const result = await socket.next((m) => m.type === 'result');
    const event = await socket.next((m) => m.type === 'incident');
    expect(event.incident.incident_id).toBe(result.result.incident_id);

    socket.send({ type: 'unsubscribe', topic: 'incidents' });
    await socket.next((m) => m.type === 'unsubscribed');
    socket.send({ type: 'process_log', id: 'w2', log: LOGS.dnsTimeouts });
    await socket.next((m) => m.type === 'result' && m.id === 'w2');
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.messages.filter((m) => m.type === 'incident')).toHaveLength(1);

    socket.send({ type: 'subscribe', topic: 'everything' });
    const bad = await socket.next((m) => m.type === 'error');
    expect(bad.error.message).toBe('topic: expected one of incidents');
  });
});

describe('/api/ws: connection life', () => {
  it('pings every interval and drops a peer that stops answering', async () => {
    const { ws } = await start({}, { websocket: { pingIntervalMs: 50 } });
    const answering = await open(`${ws}/api/ws`);
    let pings = 0;
    answering.ws.on('ping', () => pings++);
    const silent = await connect(`${ws}/api/ws`, { autoPong: false });
    sockets.push(silent);
    expect((await silent.closed).code).toBe(1006); // terminated, no close frame
    // The peer that answers keeps being pinged, and stays.
    await vi.waitFor(() => expect(pings).toBeGreaterThan(1), { timeout: 5000 });
    expect(answering.ws.readyState).toBe(answering.ws.OPEN);
  });

  it('closes with 1001 on shutdown once the in-flight analysis has answered', async () => {
    const { server, ws } = await start();
    const socket = await open(`${ws}/api/ws`);
    await socket.next((m) => m.type === 'ready');
    socket.send({ type: 'process_log', id: 'last', log: LOGS.oomCrashLoop.repeat(200) });
    await new Promise((r) => setTimeout(r, 5));
    await server.shutdown();
    const closed = await socket.closed;
    expect(closed.code).toBe(1001);
    expect(socket.messages.some((m) => m.type === 'result' && m.id === 'last')).toBe(true);
  });

  it('advertises the bound port in /api/config with PORT=0, and WEBSOCKET_URL when set', async () => {
    const derived = await start({ PORT: '0' });
    const config = await readJson(await fetch(`${derived.http}/api/config`));
    expect(config.websocket_url).toBe(`${derived.ws}/api/ws`);

    const fixed = await start({ PORT: '0', WEBSOCKET_URL: 'wss://agent.example.com/api/ws' });
    const fixedConfig = await readJson(await fetch(`${fixed.http}/api/config`));
    expect(fixedConfig.websocket_url).toBe('wss://agent.example.com/api/ws');
  });

  it('is in the route table, /api/docs and the OpenAPI document', async () => {
    const { http } = await start();
    const docs = await readJson(await fetch(`${http}/api/docs`));
    expect(docs.endpoints).toContainEqual({
      method: 'GET',
      path: '/api/ws',
      summary: expect.any(String),
      auth: 'key',
    });
    const openapi = await readJson(await fetch(`${http}/api/openapi.json`));
    expect(openapi.paths['/api/ws'].get['x-websocket']).toBe(true);
  });
});
