import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agent-config-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeEnv(content: string, name = '.env'): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function loadError(options: Parameters<typeof loadConfig>[0]): ConfigError {
  try {
    loadConfig(options);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('works with no .env file', () => {
    expect(loadConfig({ env: {}, cwd: dir }).port).toBe(5000);
  });

  it('reads .env from cwd', () => {
    writeEnv('PORT=6000\n# a comment\n\nexport LOG_FORMAT=json\nAPI_KEYS="acme:k1, k2"\n');
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config.port).toBe(6000);
    expect(config.logFormat).toBe('json');
    expect(config.apiKeys).toEqual([
      { tenant: 'acme', key: 'k1' },
      { tenant: 'default', key: 'k2' },
    ]);
  });

  it('lets the real environment win over the file', () => {
    writeEnv('PORT=6000\nLOG_LEVEL=debug\n');
    const config = loadConfig({ env: { PORT: '7000' }, cwd: dir });
    expect(config.port).toBe(7000);
    expect(config.logLevel).toBe('debug');
  });

  it('treats an empty environment value as unset, so the file applies', () => {
    writeEnv('PORT=6000\n');
    expect(loadConfig({ env: { PORT: '' }, cwd: dir }).port).toBe(6000);
  });

  it('treats an empty file value as unset, so the default applies', () => {
    writeEnv('PORT=\nMAX_LOG_BYTES=\n');
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config.port).toBe(5000);
    expect(config.maxLogBytes).toBe(1_048_576);
  });

  it('ignores a byte-order mark and CRLF line ends', () => {
    writeEnv('\uFEFFPORT=6002\r\nLOG_FORMAT=kv\r\n');
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config.port).toBe(6002);
    expect(config.logFormat).toBe('kv');
  });

  it('reads quoted multi-line values', () => {
    writeEnv(
      'LICENSE_PUBLIC_KEY="-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----"\nPORT=6001\n',
    );
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config.license.publicKey).toBe(
      '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----',
    );
    expect(config.port).toBe(6001);
  });

  it('validates values from the file like any other', () => {
    writeEnv('MAX_LOG_BYTES=10abc\n');
    expect(loadError({ env: {}, cwd: dir }).message).toBe(
      'MAX_LOG_BYTES: "10abc" is not an integer (expected a whole number of bytes >= 1024)',
    );
  });

  it('resolves relative paths against cwd', () => {
    expect(loadConfig({ env: { DB_PATH: 'x.db' }, cwd: dir }).dbPath).toBe(join(dir, 'x.db'));
  });

  it('does not touch process.env', () => {
    writeEnv('AGENT_CONFIG_TEST_ONLY=1\n');
    loadConfig({ env: {}, cwd: dir });
    expect(process.env.AGENT_CONFIG_TEST_ONLY).toBeUndefined();
  });

  it('defaults env to process.env', () => {
    const saved = process.env.LOG_FORMAT;
    process.env.LOG_FORMAT = 'kv';
    try {
      expect(loadConfig({ cwd: dir, envFile: false }).logFormat).toBe('kv');
    } finally {
      if (saved === undefined) delete process.env.LOG_FORMAT;
      else process.env.LOG_FORMAT = saved;
    }
  });

  describe('envFile option', () => {
    it('false reads no file', () => {
      writeEnv('PORT=6000\n');
      expect(loadConfig({ env: {}, cwd: dir, envFile: false }).port).toBe(5000);
    });

    it('a path relative to cwd is read instead of .env', () => {
      writeEnv('PORT=6000\n');
      writeEnv('PORT=6500\n', 'prod.env');
      expect(loadConfig({ env: {}, cwd: dir, envFile: 'prod.env' }).port).toBe(6500);
    });

    it('an explicit path that is missing is an error', () => {
      const error = loadError({ env: {}, cwd: dir, envFile: 'missing.env' });
      expect(error.message).toBe(`${join(dir, 'missing.env')}: cannot read the env file (ENOENT)`);
      expect(error.issues[0]).toMatchObject({ variable: null, file: join(dir, 'missing.env') });
    });
  });

  describe('malformed .env', () => {
    it('a line that is not an assignment is an error, and is not echoed', () => {
      writeEnv('PORT=6000\nLLM_API_KEY sk-secret-value\n');
      const error = loadError({ env: {}, cwd: dir });
      expect(error.message).toBe(
        `${join(dir, '.env')} line 2: is not an assignment (expected KEY=value, a # comment or a blank line)`,
      );
      expect(error.message).not.toContain('sk-secret-value');
    });

    it('an unclosed quote is an error', () => {
      writeEnv('LLM_API_KEY="sk-secret-value\nPORT=6000\n');
      const error = loadError({ env: {}, cwd: dir });
      expect(error.message).toBe(
        `${join(dir, '.env')} line 1: opens a " quoted value that is never closed`,
      );
      expect(error.message).not.toContain('sk-secret-value');
    });

    it('a directory in place of the file is an error', () => {
      mkdirSync(join(dir, '.env'));
      expect(loadError({ env: {}, cwd: dir }).message).toBe(
        `${join(dir, '.env')}: cannot read the env file (EISDIR)`,
      );
    });

    it.skipIf(process.getuid?.() === 0)('an unreadable file is an error', () => {
      const path = writeEnv('PORT=6000\n');
      chmodSync(path, 0o000);
      expect(loadError({ env: {}, cwd: dir }).message).toBe(
        `${path}: cannot read the env file (EACCES)`,
      );
    });
  });
});
