import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../test/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'devops-agent-cli-'));

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('devops-agent', () => {
  it('exits 2 with the usage when no command is given', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage: devops-agent <command>/);
  });

  it('exits 2 on an unknown command', async () => {
    const run = await runCli(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('prints the usage on --help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/templates FILE/);
  });
});

describe('devops-agent migrate', () => {
  it('applies the migrations of --db once, then finds nothing to do', async () => {
    const db = join(dir, 'store.db');
    const first = await runCli(['migrate', '--db', db]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied \d+ migrations?/);
    const again = await runCli(['migrate', '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/schema already current/);
  });

  it('uses DB_PATH from the environment without --db', async () => {
    const run = await runCli(['migrate'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', DB_PATH: 'from-env.db' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(join(dir, 'from-env.db'));
  });

  it('exits 1 on an unusable DATABASE_URL and 2 on bad arguments', async () => {
    const bad = await runCli(['migrate'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: 'mysql://nope' },
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/DATABASE_URL/);
    const extra = await runCli(['migrate', 'extra']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/unexpected argument "extra"\nusage: devops-agent migrate/);
    expect((await runCli(['migrate', '--nope'])).code).toBe(2);
    const help = await runCli(['migrate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: devops-agent migrate/);
  });
});
