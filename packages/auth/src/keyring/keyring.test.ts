import { createHash } from 'node:crypto';
import { ANONYMOUS } from '@agent/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { keyIdOf } from './key-id.js';
import { createKeyring } from './keyring.js';

// Count the constant-time comparisons without changing what they do.
const { timingSafeEqual } = vi.hoisted(() => ({ timingSafeEqual: vi.fn() }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  timingSafeEqual.mockImplementation(actual.timingSafeEqual);
  return { ...actual, timingSafeEqual };
});

const keyring = createKeyring({
  apiKeys: [
    { tenant: 'acme', key: 'acme-key' },
    { tenant: 'default', key: 'plain-key' },
    { tenant: 'globex', key: 'globex-key' },
  ],
  adminKeys: ['admin-key'],
});

beforeEach(() => {
  timingSafeEqual.mockClear();
});

describe('keyIdOf', () => {
  it('is the first 12 hex characters of the SHA-256 digest', () => {
    const digest = createHash('sha256').update('acme-key').digest('hex');
    expect(keyIdOf('acme-key')).toBe(digest.slice(0, 12));
    expect(keyIdOf('acme-key')).toMatch(/^[0-9a-f]{12}$/);
    expect(keyIdOf('acme-key')).not.toBe(keyIdOf('plain-key'));
  });
});

describe('createKeyring', () => {
  it('binds tenant:key entries to their tenant as role user', () => {
    expect(keyring.authenticate('acme-key')).toEqual({
      ok: true,
      principal: { keyId: keyIdOf('acme-key'), tenant: 'acme', role: 'user' },
    });
    expect(keyring.authenticate('globex-key')).toMatchObject({
      ok: true,
      principal: { tenant: 'globex', role: 'user' },
    });
    expect(keyring.authenticate('plain-key')).toMatchObject({
      ok: true,
      principal: { tenant: 'default', role: 'user' },
    });
  });

  it('gives admin keys role admin and tenant default', () => {
    expect(keyring.authenticate('admin-key')).toEqual({
      ok: true,
      principal: { keyId: keyIdOf('admin-key'), tenant: 'default', role: 'admin' },
    });
  });

  it('refuses unknown and missing keys when keys are configured', () => {
    expect(keyring.authenticate('nope')).toEqual({ ok: false, reason: 'unknown' });
    expect(keyring.authenticate('acme-key ')).toEqual({ ok: false, reason: 'unknown' });
    expect(keyring.authenticate(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(keyring.authenticate('')).toEqual({ ok: false, reason: 'missing' });
    expect(keyring.openMode).toBe(false);
    expect(keyring.hasAdminKeys).toBe(true);
  });

  it('compares against every configured digest, wherever the match is', () => {
    for (const presented of ['admin-key', 'acme-key', 'globex-key', 'unknown']) {
      timingSafeEqual.mockClear();
      keyring.authenticate(presented);
      expect(timingSafeEqual).toHaveBeenCalledTimes(4);
      for (const [a, b] of timingSafeEqual.mock.calls) {
        expect(a).toHaveLength(32);
        expect(b).toHaveLength(32);
      }
    }
  });

  it('never keeps the key itself in the principal', () => {
    const result = keyring.authenticate('acme-key');
    expect(JSON.stringify(result)).not.toContain('acme-key');
  });

  it('open mode without any key: anonymous, and a presented key is ignored', () => {
    const open = createKeyring({ apiKeys: [], adminKeys: [] });
    expect(open.openMode).toBe(true);
    expect(open.hasAdminKeys).toBe(false);
    expect(open.authenticate(undefined)).toEqual({ ok: true, principal: ANONYMOUS });
    expect(open.authenticate('stale-key')).toEqual({ ok: true, principal: ANONYMOUS });
  });

  it('open mode with admin keys: admins authenticate, unknown keys are refused', () => {
    const open = createKeyring({ apiKeys: [], adminKeys: ['admin-key'] });
    expect(open.openMode).toBe(true);
    expect(open.authenticate(undefined)).toEqual({ ok: true, principal: ANONYMOUS });
    expect(open.authenticate('admin-key')).toMatchObject({
      ok: true,
      principal: { role: 'admin' },
    });
    expect(open.authenticate('typo-admin-key')).toEqual({ ok: false, reason: 'unknown' });
  });

  it('a key in both lists is an admin key', () => {
    const both = createKeyring({
      apiKeys: [{ tenant: 'acme', key: 'shared' }],
      adminKeys: ['shared'],
    });
    expect(both.authenticate('shared')).toMatchObject({ ok: true, principal: { role: 'admin' } });
  });

  it('refuses one key bound to two tenants, naming the key id only', () => {
    const make = () =>
      createKeyring({
        apiKeys: [
          { tenant: 'acme', key: 'dup' },
          { tenant: 'globex', key: 'dup' },
        ],
        adminKeys: [],
      });
    expect(make).toThrow(`key ${keyIdOf('dup')} is bound to tenants acme and globex`);
  });

  it('refuses empty keys and tenants', () => {
    expect(() => createKeyring({ apiKeys: [{ tenant: 'a', key: '' }], adminKeys: [] })).toThrow(
      'a key is empty',
    );
    expect(() => createKeyring({ apiKeys: [{ tenant: '', key: 'k' }], adminKeys: [] })).toThrow(
      'a tenant is empty',
    );
    expect(() => createKeyring({ apiKeys: [], adminKeys: [''] })).toThrow('a key is empty');
  });
});
