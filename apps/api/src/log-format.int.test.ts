import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGS } from '../test/harness.js';
import { spawnServer } from '../test/spawn-server.js';

// With LOG_FORMAT=json or kv a log shipper must never meet a stray line: the
// console span exporter, start-up and shutdown messages and library
// diagnostics all go through the logger. Checked on the built server's real
// stdout and stderr, with tracing on (console exporter).

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const VALUE = String.raw`(?:"(?:[^"\\]|\\.)*"|[^\s"=\\]+)`;
const PAIR = String.raw`[^\s"=]+=${VALUE}`;
const LOGFMT_LINE = new RegExp(`^${PAIR}(?: ${PAIR})*$`);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'devops-agent-logfmt-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the built API, sends a mix of requests, stops it with SIGTERM and returns every output line. */
async function outputOf(format: 'json' | 'kv'): Promise<{ lines: string[]; code: number | null }> {
  const server = await spawnServer(ENTRY, {
    PORT: '0',
    DB_PATH: join(dir, `${format}.db`),
    LOG_FORMAT: format,
    LOG_LEVEL: 'debug',
    ENABLE_TRACING: 'true',
  });
  const closed = new Promise<void>((resolve) => server.child.once('close', () => resolve()));
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/process_log`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
    });
  expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  const traced = await post(JSON.stringify({ log: LOGS.oomCrashLoop }), {
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  });
  expect(traced.status).toBe(200);
  expect((await post(JSON.stringify({ log: LOGS.dnsTimeouts }))).status).toBe(200);
  expect((await post('{not json')).status).toBe(400);
  expect((await fetch(`${server.url}/api/nowhere?q=1`)).status).toBe(404);
  expect((await fetch(`${server.url}/api/metrics`)).status).toBe(200);
  const code = await server.stop('SIGTERM');
  await closed;
  return { lines: server.lines, code };
}

describe('LOG_FORMAT=json with tracing on (console exporter)', () => {
  it('writes only JSON objects, one a line, on stdout and stderr', async () => {
    const { lines, code } = await outputOf('json');
    expect(code).toBe(0);
    const stray = lines.filter((line) => {
      try {
        const value = JSON.parse(line);
        return typeof value !== 'object' || value === null || typeof value.msg !== 'string';
      } catch {
        return true;
      }
    });
    expect(stray).toEqual([]);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const messages = records.map((r) => r.msg);
    expect(messages.some((m) => String(m).includes('listening on'))).toBe(true);
    expect(messages).toContain('span');
    expect(records.some((r) => r.span_name === 'agent.reason')).toBe(true);
    expect(messages.some((m) => String(m).startsWith('shutting down'))).toBe(true);
  });
});

describe('LOG_FORMAT=kv with tracing on (console exporter)', () => {
  it('writes only logfmt lines on stdout and stderr', async () => {
    const { lines, code } = await outputOf('kv');
    expect(code).toBe(0);
    expect(lines.filter((line) => !LOGFMT_LINE.test(line))).toEqual([]);
    expect(lines.filter((line) => !/^time=\S+ level=[a-z]+ msg=/.test(line))).toEqual([]);
    expect(lines.some((l) => l.includes(' msg=span ') && l.includes('span_name=agent.'))).toBe(
      true,
    );
  });
});

describe('start-up failures under LOG_FORMAT=json or kv', () => {
  async function failedStart(env: Record<string, string>): Promise<string[]> {
    const failure = await spawnServer(ENTRY, { PORT: '0', ...env }).catch(
      (error: { code: number; lines: string[] }) => error,
    );
    expect('code' in failure && failure.code).toBe(1);
    return (failure as { lines: string[] }).lines;
  }

  it('reports invalid configuration as a JSON line', async () => {
    const lines = await failedStart({
      LOG_FORMAT: 'json',
      MAX_LOG_BYTES: '10abc',
      DB_PATH: join(dir, 'bad-config.db'),
    });
    expect(lines.length).toBeGreaterThan(0);
    const records = lines.map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(records.some((r) => r.level === 'fatal' && r.msg.includes('MAX_LOG_BYTES'))).toBe(true);
  });

  it("routes a library's start-up warning (pg's SSL-mode notice) through the logger", async () => {
    // Nothing listens on port 9 of loopback: the start fails after the warning.
    const lines = await failedStart({
      LOG_FORMAT: 'json',
      DATABASE_URL: 'postgres://agent@127.0.0.1:9/incidents?sslmode=require',
    });
    const records = lines.map(
      (l) => JSON.parse(l) as { level: string; msg: string; component?: string },
    );
    expect(records.map((r) => r.level)).toEqual(['warn', 'fatal']);
    expect(records[0]).toMatchObject({ component: 'node' });
    expect(records[0]?.msg).toMatch(/^SECURITY WARNING: The SSL modes/);
  });

  it('reports a runtime that cannot start as a logfmt line', async () => {
    const lines = await failedStart({
      LOG_FORMAT: 'kv',
      POLICY_FILE: join(dir, 'no-such-policy.yaml'),
      DB_PATH: join(dir, 'bad-policy.db'),
    });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => !LOGFMT_LINE.test(line))).toEqual([]);
    expect(lines.some((l) => l.includes('level=fatal') && l.includes('failed to start'))).toBe(
      true,
    );
  });
});

describe('a crash under LOG_FORMAT=json', () => {
  // What main.ts installs: Node would print the stack raw on stderr instead.
  const crash = (how: string) =>
    spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { logProcessEvents } = await import('./dist/index.js');
         const { createLogger } = await import('@agent/observability');
         logProcessEvents(createLogger({ level: 'info', format: 'json', base: { service: 'crash-test' } }));
         ${how}`,
      ],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', timeout: 20_000 },
    );

  it.each([
    [
      'uncaught exception',
      "setTimeout(() => { throw new Error('boom in a timer'); }, 1);",
      'boom in a timer',
    ],
    [
      'unhandled rejection',
      "Promise.reject(new Error('a promise nobody awaited'));",
      'a promise nobody awaited',
    ],
  ])('logs an %s as one fatal JSON line and exits 1', (kind, how, message) => {
    const result = crash(how);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'fatal',
      service: 'crash-test',
      component: 'node',
      msg: `${kind}: ${message}`,
    });
  });
});
