import { afterEach, describe, expect, it } from 'vitest';
import {
  downUrl,
  type LoopbackServer,
  startVaultProtocolDouble,
} from '../../test/protocol-doubles.js';
import { VaultSecretStore, VaultUnavailableError } from './vault-secret-store.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function vault(options: Parameters<typeof startVaultProtocolDouble>[0]) {
  const server = await startVaultProtocolDouble(options);
  servers.push(server);
  return server;
}

const SECRETS = { 'devops-agent/runbooks': { token: 'rb-123', port: 8443 } };

describe('VaultSecretStore (against a Vault HTTP API protocol double)', () => {
  it('reads KV v2 with a token, in a namespace, from a configurable mount', async () => {
    const server = await vault({
      tokens: ['hvs.static'],
      namespace: 'team-a',
      mount: 'kv',
      secrets: SECRETS,
    });
    const store = new VaultSecretStore({
      url: server.url,
      token: 'hvs.static',
      namespace: 'team-a',
      kvMount: 'kv',
    });
    expect(await store.get('devops-agent/runbooks#token')).toBe('rb-123');
    expect(await store.get('devops-agent/runbooks#port')).toBe('8443');
    expect(await store.get('devops-agent/runbooks#nope')).toBeUndefined();
    expect(await store.get('devops-agent/absent#token')).toBeUndefined();
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      path: '/v1/kv/data/devops-agent/runbooks',
    });
    expect(server.requests[0]?.headers['x-vault-token']).toBe('hvs.static');
    expect(server.requests[0]?.headers['x-vault-namespace']).toBe('team-a');
  });

  it('caches a path for the TTL', async () => {
    let now = 0;
    const server = await vault({ tokens: ['t'], secrets: SECRETS });
    const store = new VaultSecretStore({
      url: server.url,
      token: 't',
      cacheTtlSec: 60,
      now: () => now,
    });
    await store.get('devops-agent/runbooks#token');
    await Promise.all([
      store.get('devops-agent/runbooks#token'),
      store.get('devops-agent/runbooks#port'),
    ]);
    expect(server.requests).toHaveLength(1);
    now += 61_000;
    await store.get('devops-agent/runbooks#token');
    expect(server.requests).toHaveLength(2);
  });

  it('logs in with AppRole once, and again when the token is refused', async () => {
    const server = await vault({
      appRole: { roleId: 'role-1', secretId: 'secret-1' },
      secrets: SECRETS,
    });
    const store = new VaultSecretStore({
      url: server.url,
      appRole: { roleId: 'role-1', secretId: 'secret-1' },
      cacheTtlSec: 0,
    });
    expect(await store.get('devops-agent/runbooks#token')).toBe('rb-123');
    expect(await store.get('devops-agent/runbooks#token')).toBe('rb-123');
    expect(server.logins).toBe(1);
    expect(server.requests[0]?.json).toEqual({ role_id: 'role-1', secret_id: 'secret-1' });
    server.revoke('hvs.login-1');
    expect(await store.get('devops-agent/runbooks#token')).toBe('rb-123');
    expect(server.logins).toBe(2);
  });

  it('fails with a clear reason when Vault is down, refuses, or the login is wrong; never naming the token', async () => {
    const down = new VaultSecretStore({ url: await downUrl(), token: 'hvs.SECRET-TOKEN' });
    await expect(down.get('a#b')).rejects.toThrow(
      /vault: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );

    const server = await vault({ tokens: ['good'], appRole: { roleId: 'r', secretId: 's' } });
    const refused = new VaultSecretStore({ url: server.url, token: 'hvs.SECRET-TOKEN' });
    const error = await refused.get('devops-agent/runbooks#token').catch((e: Error) => e);
    expect(error).toBeInstanceOf(VaultUnavailableError);
    expect((error as Error).message).toMatch(/HTTP 403: .*permission denied/);
    expect((error as Error).message).not.toContain('SECRET-TOKEN');

    const badLogin = new VaultSecretStore({
      url: server.url,
      appRole: { roleId: 'r', secretId: 'wrong' },
    });
    await expect(badLogin.get('x#y')).rejects.toThrow(/AppRole login failed: .*HTTP 400/);
  });

  it('fails when Vault is slower than the timeout', async () => {
    const server = await vault({ tokens: ['t'], secrets: SECRETS, delayMs: 1000 });
    const store = new VaultSecretStore({ url: server.url, token: 't', timeoutMs: 100 });
    await expect(store.get('devops-agent/runbooks#token')).rejects.toThrow(/within 100 ms/);
  });

  it('refuses names that are not secret paths', async () => {
    const store = new VaultSecretStore({ url: 'http://127.0.0.1:1', token: 't' });
    await expect(store.get('../sys/raw#x')).rejects.toThrow(/not a secret path/);
    expect(() => new VaultSecretStore({ url: 'http://x' })).toThrow(/token or AppRole/);
  });
});

describe('VaultSecretStore readiness', () => {
  it('is ready when /v1/sys/health answers 200, not when sealed or down', async () => {
    const ready = await vault({ tokens: ['t'] });
    await expect(
      new VaultSecretStore({ url: ready.url, token: 't' }).check(),
    ).resolves.toBeUndefined();
    const sealed = await vault({ tokens: ['t'], sealed: true });
    await expect(new VaultSecretStore({ url: sealed.url, token: 't' }).check()).rejects.toThrow(
      /is sealed/,
    );
    await expect(
      new VaultSecretStore({ url: await downUrl(), token: 't' }).check(),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
