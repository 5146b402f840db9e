import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../logger/create-logger.js';
import { requestId } from '../request-id/index.js';
import { accessLog } from './index.js';

function setup(level: LogLevel = 'info') {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    format: 'json',
    destination: { write: (l) => void lines.push(l) },
  });
  const app = new Hono();
  app.use('*', requestId());
  app.use('*', accessLog(logger));
  app.use('/api/*', async (c, next) => {
    const key = c.req.header('x-api-key') ?? c.req.query('api_key');
    if (key === 'sk-live-abc') {
      (c.set as (k: string, v: unknown) => void)('principal', {
        keyId: 'key_1',
        tenant: 'acme',
        role: 'user',
      });
    }
    (c.set as (k: string, v: unknown) => void)('traceId', '0af7651916cd43dd8448eb211c80319c');
    await next();
  });
  app.get('/api/incidents/:id', (c) => c.json({ id: c.req.param('id') }));
  app.get('/api/boom', () => {
    throw new Error('boom');
  });
  app.get('/odd-principal', (c) => {
    (c.set as (k: string, v: unknown) => void)('principal', 'not-an-object');
    return c.text('ok');
  });
  app.onError((_err, c) => c.json({ error: { code: 'internal_error' } }, 500));
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { app, records, lines };
}

describe('accessLog', () => {
  it('writes one info line with id, method, route, path, status and duration', async () => {
    const { app, records } = setup();
    await app.request('/api/incidents/42', { headers: { 'X-Request-Id': 'req-1' } });
    expect(records()).toHaveLength(1);
    const [line] = records();
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      request_id: 'req-1',
      method: 'GET',
      route: '/api/incidents/:id',
      path: '/api/incidents/42',
      status: 200,
      trace_id: '0af7651916cd43dd8448eb211c80319c',
    });
    expect(typeof line?.duration_ms).toBe('number');
    expect(line).not.toHaveProperty('key_id');
  });

  it('adds key id and tenant from the principal, and never the key or the query string', async () => {
    const { app, records, lines } = setup();
    await app.request('/api/incidents/42?api_key=sk-live-abc&x=1');
    const [line] = records();
    expect(line).toMatchObject({ key_id: 'key_1', tenant: 'acme', path: '/api/incidents/42' });
    expect(lines.join('')).not.toContain('sk-live-abc');
    expect(lines.join('')).not.toContain('api_key');
    expect(lines.join('')).not.toContain('?');
  });

  it('logs 5xx at error', async () => {
    const { app, records } = setup();
    await app.request('/api/boom');
    expect(records()[0]).toMatchObject({ level: 'error', status: 500, route: '/api/boom' });
  });

  it('labels unknown paths unmatched and ignores a principal of an unexpected shape', async () => {
    const { app, records } = setup();
    await app.request('/nowhere/1');
    await app.request('/odd-principal');
    const [missing, odd] = records();
    expect(missing).toMatchObject({ route: 'unmatched', status: 404, path: '/nowhere/1' });
    expect(odd).toMatchObject({ route: '/odd-principal', status: 200 });
    expect(odd).not.toHaveProperty('key_id');
    expect(odd).not.toHaveProperty('tenant');
  });

  it('writes nothing for successful requests when logs are at warn, but still logs 5xx', async () => {
    const { app, records } = setup('warn');
    await app.request('/api/incidents/1');
    await app.request('/api/boom');
    expect(records()).toHaveLength(1);
    expect(records()[0]).toMatchObject({ level: 'error', status: 500 });
  });

  it('checks its argument once', () => {
    expect(() => accessLog({} as never)).toThrow(TypeError);
  });
});
