import { AgentError, type ErrorCode, type Principal } from '@agent/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { keyIdOf } from '../../keyring/key-id.js';
import { createKeyring, type KeyringOptions } from '../../keyring/keyring.js';
import { apiKeyAuth, type RouteAccess } from './api-key-auth.js';

// The apps own the real code -> status mapping; this is just enough of it.
const STATUS: Partial<Record<ErrorCode, 401 | 403>> = { unauthorized: 401, forbidden: 403 };

function appFor(options: KeyringOptions, access: RouteAccess): Hono {
  const keyring = createKeyring(options);
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof AgentError && STATUS[error.code]) {
      return c.json({ error: { code: error.code, message: error.message } }, STATUS[error.code]);
    }
    return c.json({ error: { code: 'internal_error' } }, 500);
  });
  app.use('*', apiKeyAuth({ keyring, access }));
  app.get('/', (c) => c.json({ principal: c.get('principal') }));
  return app;
}

/** What the test route and the test error handler answer. */
interface Body {
  principal: Principal;
  error: { code: string; message: string };
}
const bodyOf = async (res: Response): Promise<Body> => (await res.json()) as Body;

const KEYS = { user: 'user-key', admin: 'admin-key', unknown: 'unknown-key' } as const;

const MODES = {
  keyed: { apiKeys: [{ tenant: 'acme', key: KEYS.user }], adminKeys: [KEYS.admin] },
  'keyed, no admin keys': { apiKeys: [{ tenant: 'acme', key: KEYS.user }], adminKeys: [] },
  open: { apiKeys: [], adminKeys: [] },
  'open with admin keys': { apiKeys: [], adminKeys: [KEYS.admin] },
} satisfies Record<string, KeyringOptions>;

type Credential = 'none' | keyof typeof KEYS;
/** `200 role`, or the status of the refusal. */
type Outcome = '200 anonymous' | '200 user' | '200 admin' | 401 | 403;

const MATRIX: Record<keyof typeof MODES, Record<RouteAccess, Record<Credential, Outcome>>> = {
  keyed: {
    none: { none: '200 anonymous', unknown: '200 anonymous', user: '200 user', admin: '200 admin' },
    key: { none: 401, unknown: 401, user: '200 user', admin: '200 admin' },
    admin: { none: 401, unknown: 401, user: 403, admin: '200 admin' },
  },
  'keyed, no admin keys': {
    none: {
      none: '200 anonymous',
      unknown: '200 anonymous',
      user: '200 user',
      admin: '200 anonymous',
    },
    key: { none: 401, unknown: 401, user: '200 user', admin: 401 },
    admin: { none: 401, unknown: 401, user: 403, admin: 401 },
  },
  open: {
    // No key at all is configured, so any key sent is ignored.
    none: {
      none: '200 anonymous',
      unknown: '200 anonymous',
      user: '200 anonymous',
      admin: '200 anonymous',
    },
    key: {
      none: '200 anonymous',
      unknown: '200 anonymous',
      user: '200 anonymous',
      admin: '200 anonymous',
    },
    admin: { none: 403, unknown: 403, user: 403, admin: 403 },
  },
  'open with admin keys': {
    none: {
      none: '200 anonymous',
      unknown: '200 anonymous',
      user: '200 anonymous',
      admin: '200 admin',
    },
    key: { none: '200 anonymous', unknown: 401, user: 401, admin: '200 admin' },
    admin: { none: 401, unknown: 401, user: 401, admin: '200 admin' },
  },
};

const CASES = Object.entries(MATRIX).flatMap(([mode, byAccess]) =>
  Object.entries(byAccess).flatMap(([access, byCredential]) =>
    Object.entries(byCredential).map(([credential, outcome]) => ({
      mode: mode as keyof typeof MODES,
      access: access as RouteAccess,
      credential: credential as Credential,
      outcome,
    })),
  ),
);

describe('apiKeyAuth access matrix', () => {
  it.each(CASES)('$mode, access $access, credential $credential -> $outcome', async (row) => {
    const app = appFor(MODES[row.mode], row.access);
    const headers: Record<string, string> =
      row.credential === 'none' ? {} : { 'X-API-Key': KEYS[row.credential] };
    const res = await app.request('/', { headers });
    const body = await bodyOf(res);

    if (typeof row.outcome === 'number') {
      expect(res.status).toBe(row.outcome);
      expect(body.error.code).toBe(row.outcome === 401 ? 'unauthorized' : 'forbidden');
      // The presented key never comes back.
      expect(JSON.stringify(body)).not.toContain('-key');
      return;
    }
    expect(res.status).toBe(200);
    const role = row.outcome.split(' ')[1];
    expect(body.principal.role).toBe(role);
    if (role === 'anonymous') {
      expect(body.principal).toEqual({ keyId: null, tenant: 'default', role: 'anonymous' });
    } else {
      const key = role === 'admin' ? KEYS.admin : KEYS.user;
      expect(body.principal.keyId).toBe(keyIdOf(key));
      expect(body.principal.tenant).toBe(role === 'admin' ? 'default' : 'acme');
    }
  });
});

describe('apiKeyAuth key sources', () => {
  const app = appFor(MODES.keyed, 'key');

  it('reads the api_key query parameter', async () => {
    const res = await app.request(`/?api_key=${KEYS.user}`);
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).principal.role).toBe('user');
  });

  it('prefers the header over the query parameter', async () => {
    const res = await app.request(`/?api_key=${KEYS.user}`, {
      headers: { 'X-API-Key': KEYS.admin },
    });
    expect((await bodyOf(res)).principal.role).toBe('admin');
  });

  it('reads the header case-insensitively', async () => {
    const res = await app.request('/', { headers: { 'x-api-key': KEYS.user } });
    expect(res.status).toBe(200);
  });

  it('treats an empty header or parameter as no key', async () => {
    expect((await app.request('/', { headers: { 'X-API-Key': '' } })).status).toBe(401);
    expect((await app.request('/?api_key=')).status).toBe(401);
    const fallback = await app.request(`/?api_key=${KEYS.user}`, { headers: { 'X-API-Key': '' } });
    expect(fallback.status).toBe(200);
  });

  it('says whether the key was missing or not recognised', async () => {
    const missing = await bodyOf(await app.request('/'));
    expect(missing.error.message).toContain('an API key is required');
    const unknown = await bodyOf(await app.request('/', { headers: { 'X-API-Key': 'zzz' } }));
    expect(unknown.error.message).toBe('the API key is not recognised');
  });

  it('rejects an access level it does not know at construction', () => {
    const keyring = createKeyring(MODES.open);
    expect(() => apiKeyAuth({ keyring, access: 'public' as RouteAccess })).toThrow(TypeError);
  });
});
