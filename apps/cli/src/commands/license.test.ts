import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../../test/run-cli.js';

// The license command run as the real bin: node dist/index.js license ...

const dir = mkdtempSync(join(tmpdir(), 'devops-agent-license-'));
const SECRET = 'cli-test-signing-secret-0123456789';
const env = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '',
  DB_PATH: join(dir, 'unused.db'),
  ...extra,
});

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('devops-agent license', () => {
  it('issues an HS256 licence that verify accepts, with its subject, expiry and features', async () => {
    const issued = await runCli(
      ['license', 'issue', '--subject', 'acme', '--days', '30', '--feature', 'auto_remediation'],
      { env: env({ LICENSE_SIGNING_SECRET: SECRET }), cwd: dir },
    );
    expect(issued.stderr).toBe('');
    expect(issued.code).toBe(0);
    const licence = issued.stdout.trim();
    expect(licence.split('.')).toHaveLength(3);
    expect(issued.stdout).not.toContain(SECRET);

    const verified = await runCli(['license', 'verify', licence], {
      env: env({ LICENSE_SIGNING_SECRET: SECRET }),
      cwd: dir,
    });
    expect(verified.code).toBe(0);
    const status = JSON.parse(verified.stdout);
    expect(status).toMatchObject({
      valid: true,
      subject: 'acme',
      features: ['auto_remediation'],
      reason: null,
    });
    expect(new Date(status.expires_at).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });

  it('verifies LICENSE_KEY from the environment and a licence on standard input', async () => {
    const licence = (
      await runCli(
        ['license', 'issue', '--subject', 'acme', '--expires', '2099-01-01', '--form', 'hmac'],
        {
          env: env({ LICENSE_SIGNING_SECRET: SECRET }),
          cwd: dir,
        },
      )
    ).stdout.trim();
    expect(licence.split('.')).toHaveLength(2);
    const fromEnv = await runCli(['license', 'verify'], {
      env: env({ LICENSE_SIGNING_SECRET: SECRET, LICENSE_KEY: licence }),
      cwd: dir,
    });
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout).expires_at).toBe('2099-01-01T00:00:00.000Z');
    const fromStdin = await runCli(['license', 'verify', '-'], {
      env: env({ LICENSE_SIGNING_SECRET: SECRET }),
      cwd: dir,
      stdin: `${licence}\n`,
    });
    expect(fromStdin.code).toBe(0);
  });

  it('refuses a tampered licence, a wrong secret and an expired-looking date with exit 1', async () => {
    const licence = (
      await runCli(['license', 'issue', '--subject', 'acme', '--days', '1'], {
        env: env({ LICENSE_SIGNING_SECRET: SECRET }),
        cwd: dir,
      })
    ).stdout.trim();
    const [header, payload, signature] = licence.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'mallory', exp: 4102444800 })).toString(
      'base64url',
    );
    for (const bad of [`${header}.${forged}.${signature}`, `${header}.${payload}.AAAA`]) {
      const run = await runCli(['license', 'verify', bad], {
        env: env({ LICENSE_SIGNING_SECRET: SECRET }),
        cwd: dir,
      });
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ valid: false, subject: null });
    }
    const wrongSecret = await runCli(['license', 'verify', licence], {
      env: env({ LICENSE_SIGNING_SECRET: 'another-secret-entirely-000000' }),
      cwd: dir,
    });
    expect(wrongSecret.code).toBe(1);
    expect(JSON.parse(wrongSecret.stdout).valid).toBe(false);
  });

  it('keygen writes an Ed25519 pair; the private key signs, the public key alone verifies', async () => {
    const keys = join(dir, 'keys');
    const generated = await runCli(['license', 'keygen', '--out', keys], { env: env(), cwd: dir });
    expect(generated.code).toBe(0);
    const privatePath = join(keys, 'license-private.pem');
    const publicPath = join(keys, 'license-public.pem');
    expect(readFileSync(privatePath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readFileSync(publicPath, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(statSync(privatePath).mode & 0o077).toBe(0);
    // The private key is never printed.
    expect(generated.stdout).not.toContain('BEGIN PRIVATE KEY');

    const issued = await runCli(
      ['license', 'issue', '--subject', 'edge', '--days', '7', '--private-key-file', privatePath],
      { env: env(), cwd: dir },
    );
    expect(issued.code).toBe(0);
    const licence = issued.stdout.trim();
    expect(JSON.parse(Buffer.from(licence.split('.')[0] ?? '', 'base64url').toString()).alg).toBe(
      'EdDSA',
    );
    const verified = await runCli(['license', 'verify', licence, '--public-key-file', publicPath], {
      env: env(),
      cwd: dir,
    });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, subject: 'edge' });

    const again = await runCli(['license', 'keygen', '--out', keys], { env: env(), cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/EEXIST|exists/);
  });

  it('keygen makes missing --out directories, and fails at once where none can be made', async () => {
    const nested = join(dir, 'deep', 'er', 'keys');
    const generated = await runCli(['license', 'keygen', '--out', nested], {
      env: env(),
      cwd: dir,
    });
    expect(generated.code).toBe(0);
    expect(readFileSync(join(nested, 'license-public.pem'), 'utf8')).toMatch(/BEGIN PUBLIC KEY/);
    // Node's recursive mkdir spins forever under /proc (ENOENT from procfs).
    if (existsSync('/proc/self')) {
      const refused = await runCli(['license', 'keygen', '--out', '/proc/devops-agent-missing/k'], {
        env: env(),
        cwd: dir,
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/ENOENT.*\/proc\/devops-agent-missing/);
    }
  });

  it('keygen without --out prints the public and the private key', async () => {
    const run = await runCli(['license', 'keygen'], { env: env(), cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/BEGIN PUBLIC KEY[\s\S]+BEGIN PRIVATE KEY/);
  });

  it.each([
    [['license'], /subcommand is required/],
    [['license', 'frobnicate'], /unknown subcommand "frobnicate"/],
    [['license', 'issue', '--days', '3'], /--subject is required/],
    [['license', 'issue', '--subject', 'a'], /exactly one of --expires DATE or --days N/],
    [['license', 'issue', '--subject', 'a', '--days', '0'], /--days must be a whole number/],
    [['license', 'issue', '--subject', 'a', '--expires', 'soon'], /--expires must be a date/],
    [['license', 'issue', '--subject', 'a', '--expires', '2001-01-01'], /in the past/],
    [
      ['license', 'issue', '--subject', 'a', '--days', '3', '--form', 'xml'],
      /--form must be jwt or hmac/,
    ],
    [['license', 'issue', '--subject', 'a', '--days', '3'], /LICENSE_SIGNING_SECRET/],
    [['license', 'verify'], /set LICENSE_KEY/],
    [['license', 'issue', '--nope'], /license issue: /],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const run = await runCli(args, { env: env(), cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: devops-agent license');
  });

  it('prints its usage with --help', async () => {
    const run = await runCli(['license', 'issue', '--help'], { env: env(), cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: devops-agent license keygen/);
  });
});
