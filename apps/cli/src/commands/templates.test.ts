import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, jsonLines, runCli } from '../../test/run-cli.js';

// The templates command run as the real bin: node dist/index.js templates ...

const dir = mkdtempSync(join(tmpdir(), 'devops-agent-templates-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const APP_LOG = [
  '2024-11-26 23:15:01,120 INFO [main] com.acme.Server: Started Server in 4.2 seconds',
  '2024-11-26 23:15:02,001 INFO [http-1] com.acme.Api: GET /orders/17 answered 200 in 12 ms',
  '2024-11-26 23:15:02,450 INFO [http-2] com.acme.Api: GET /orders/18 answered 200 in 9 ms',
  '2024-11-26 23:15:03,900 ERROR [http-3] com.acme.Api: GET /orders/19 failed: timeout after 30000 ms',
  '2024-11-26 23:15:04,000 INFO [http-1] com.acme.Api: GET /orders/20 answered 200 in 10 ms',
];

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('devops-agent templates', () => {
  it('prints one object per line, in order, with headers stripped', async () => {
    const run = await runCli(['templates', file('app.txt', `${APP_LOG.join('\n')}\n`)]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const out = jsonLines(run.stdout);
    expect(out.map((o) => o.line)).toEqual([1, 2, 3, 4, 5]);
    expect(Object.keys(out[0] ?? {})).toEqual(['line', 'template_id', 'template']);
    expect(out[1]?.template).toBe('GET <*> answered <*> in <*>');
    expect(out[1]?.template_id).toBe(out[2]?.template_id);
    expect(out[4]?.template_id).toBe(out[1]?.template_id);
    expect(out[3]?.template).toBe('GET <*> failed: timeout after <*>');
    expect(out[0]?.template).toBe('Started Server in <*> seconds');
  });

  it('reports each group with its template after all lines were read', async () => {
    const log = [
      'Invalid user alice from 10.0.0.1',
      'Invalid user bob from 10.0.0.2',
      'Invalid user carol from 10.0.0.3',
      'Invalid user dave from 10.0.0.4',
    ];
    const out = jsonLines(
      (await runCli(['templates', file('users.txt', log.join('\n')), '--content-only'])).stdout,
    );
    expect(new Set(out.map((o) => o.template_id)).size).toBe(1);
    expect(out.every((o) => o.template === 'Invalid user <*> from <*>')).toBe(true);
  });

  it('takes every line as the message with --content-only', async () => {
    const run = await runCli([
      'templates',
      '--content-only',
      file('content.txt', APP_LOG.slice(0, 2).join('\n')),
    ]);
    const out = jsonLines(run.stdout);
    expect(out[0]?.template).toMatch(
      /^<\*> <\*> INFO \[main\] com\.acme\.Server: Started Server in <\*> seconds$/,
    );
  });

  it('accepts CRLF, a missing final newline and blank lines, never merging lines', async () => {
    const log = 'WARN disk 91% full\r\n\r\n  \tat x.y(Z.java:1)\r\nWARN disk 92% full';
    const out = jsonLines((await runCli(['templates', file('crlf.txt', log)])).stdout);
    expect(out.map((o) => o.line)).toEqual([1, 2, 3, 4]);
    expect(out[0]?.template_id).toBe(out[3]?.template_id);
    expect(out[1]?.template).toBe('');
    expect(out[2]?.template).toBe('at x.y(Z.java:<*>)');
  });

  it('reads standard input for -', async () => {
    const run = await runCli(['templates', '-', '--format', 'jsonl'], { stdin: 'a 1\nb 2\na 3\n' });
    expect(run.code).toBe(0);
    const out = jsonLines(run.stdout);
    expect(out).toHaveLength(3);
    expect(out[0]?.template_id).toBe(out[2]?.template_id);
  });

  it('survives binary bytes and invalid UTF-8', async () => {
    const bytes = Buffer.from([
      0x00, 0xff, 0xfe, 0x0a, 0xc3, 0x28, 0x20, 0x31, 0x0a, 0xe2, 0x82, 0x0a, 0x41,
    ]);
    const run = await runCli(['templates', file('binary.bin', bytes)]);
    expect(run.code).toBe(0);
    expect(jsonLines(run.stdout).map((o) => o.line)).toEqual([1, 2, 3, 4]);
  });

  it('handles an empty file', async () => {
    const run = await runCli(['templates', file('empty.txt', '')]);
    expect(run).toMatchObject({ code: 0, stdout: '' });
  });

  it('handles a 1 MB line and 100k lines', async () => {
    const big = `ERROR ${'payload-9 '.repeat(110_000)}`;
    const many = Array.from(
      { length: 100_000 },
      (_, i) => `2024-11-26 23:15:01 INFO job ${i} done in ${i % 97} ms`,
    ).join('\n');
    const [one, hundred] = await Promise.all([
      runCli(['templates', file('big.txt', big)]),
      runCli(['templates', file('many.txt', many)]),
    ]);
    expect(one.code).toBe(0);
    expect(jsonLines(one.stdout)).toHaveLength(1);
    expect(hundred.code).toBe(0);
    const out = jsonLines(hundred.stdout);
    expect(out).toHaveLength(100_000);
    expect(new Set(out.map((o) => o.template_id)).size).toBe(1);
    expect(out[99_999]?.template).toBe('job <*> done in <*>');
  }, 60_000);

  it('keeps ids across runs through --db and writes nothing without it', async () => {
    const db = join(dir, 'miner.db');
    const log = file('db.txt', APP_LOG.join('\n'));
    const first = await runCli(['templates', log, '--db', db]);
    const second = await runCli(['templates', log, '--db', db]);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const before = readdirSync(dir).sort();
    const alone = await runCli(['templates', log], { cwd: dir });
    expect(alone.stdout).toBe(first.stdout);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it.each([
    [[] as string[], /FILE is required/],
    [['a.txt', 'b.txt'], /one FILE expected/],
    [['a.txt', '--format', 'csv'], /--format must be jsonl/],
    [['a.txt', '--bogus'], /Unknown option/],
    [['a.txt', '--db', ''], /--db needs a path/],
  ])('exits 2 with usage on %j', async (args, message) => {
    const run = await runCli(['templates', ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/usage: devops-agent templates/);
  });

  it('exits 1 when the file cannot be read', async () => {
    const run = await runCli(['templates', join(dir, 'missing.txt')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no such file/);
    expect((await runCli(['templates', dir])).code).toBe(1);
  });
});
