import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EnvironmentSecretStore,
  environmentName,
  SecretsFileError,
} from './environment-secret-store.js';

const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('EnvironmentSecretStore', () => {
  it('reads the environment, by the name or its environment-style form', async () => {
    const store = new EnvironmentSecretStore({ env: { RUNBOOKS_TOKEN: 't0k', EMPTY: '' } });
    expect(store.name).toBe('environment');
    expect(await store.get('RUNBOOKS_TOKEN')).toBe('t0k');
    expect(await store.get('runbooks#token')).toBe('t0k');
    expect(await store.get('EMPTY')).toBeUndefined();
    expect(await store.get('missing')).toBeUndefined();
    expect(environmentName('ci/deploy-hook#api.key')).toBe('CI_DEPLOY_HOOK_API_KEY');
  });

  it('reads a JSON secrets file; the real environment wins', async () => {
    const store = new EnvironmentSecretStore({
      env: { SHARED: 'from-env' },
      file: file('s.json', JSON.stringify({ 'runbooks#token': 'abc', SHARED: 'from-file' })),
    });
    expect(store.name).toBe('file');
    expect(await store.get('runbooks#token')).toBe('abc');
    expect(await store.get('SHARED')).toBe('from-env');
  });

  it('reads a dotenv secrets file: comments, export, quotes', async () => {
    const store = new EnvironmentSecretStore({
      file: file(
        's.env',
        [
          '# secrets for devops-agent',
          'RUNBOOKS_TOKEN=plain # trailing comment',
          'export CHAT_TOKEN="with spaces and \\"quotes\\""',
          "SINGLE='x=y'",
          '',
        ].join('\n'),
      ),
    });
    expect(await store.get('runbooks#token')).toBe('plain');
    expect(await store.get('CHAT_TOKEN')).toBe('with spaces and "quotes"');
    expect(await store.get('SINGLE')).toBe('x=y');
  });

  it('refuses a file it cannot use, without echoing its content', () => {
    expect(() => new EnvironmentSecretStore({ file: join(dir, 'nope') })).toThrow(
      /cannot be read \(ENOENT\)/,
    );
    const broken = file('b.json', '{"TOKEN": "s3cr3t-value",');
    expect(() => new EnvironmentSecretStore({ file: broken })).toThrow(SecretsFileError);
    try {
      new EnvironmentSecretStore({ file: broken });
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cr3t');
    }
    expect(() => new EnvironmentSecretStore({ file: file('n.json', '{"TOKEN": 42}') })).toThrow(
      /"TOKEN" must be a string/,
    );
    expect(() => new EnvironmentSecretStore({ file: file('x.env', 'not a pair') })).toThrow(
      /line 1 is not KEY=VALUE/,
    );
  });
});
