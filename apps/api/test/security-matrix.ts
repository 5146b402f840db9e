// The route x credential matrix of issue 6, shared by the primary API's and
// the legacy app's security tests: the credentials, the key modes, the
// contract's answer for each, and the request that presents a credential.
// Test support only; never shipped.
import type { RouteAccess, RouteEntry } from '../src/http/route-table.js';

export const KEYS = {
  userA: 'matrix-user-key-tenant-a',
  userB: 'matrix-user-key-tenant-b',
  admin: 'matrix-admin-key',
  unknown: 'matrix-key-nobody-configured',
} as const;

export type Credential = 'none' | 'unknown' | 'user' | 'other_tenant' | 'admin' | 'admin_query';
export const CREDENTIALS: readonly Credential[] = [
  'none',
  'unknown',
  'user',
  'other_tenant',
  'admin',
  'admin_query',
];

export interface KeyMode {
  name: string;
  env: Record<string, string>;
}
export const MODES: readonly KeyMode[] = [
  {
    name: 'keyed',
    env: { API_KEYS: `tenant-a:${KEYS.userA},tenant-b:${KEYS.userB}`, ADMIN_KEYS: KEYS.admin },
  },
  { name: 'open', env: {} },
  { name: 'open with admin keys', env: { ADMIN_KEYS: KEYS.admin } },
  {
    name: 'keyed, licence required and missing',
    env: {
      API_KEYS: `tenant-a:${KEYS.userA},tenant-b:${KEYS.userB}`,
      ADMIN_KEYS: KEYS.admin,
      REQUIRE_LICENSE: 'true',
    },
  },
];

/** `pass`: the guards let the caller through (the route may still answer 400/404/409...). */
export type Outcome = 'pass' | 401 | 402 | 403;

/** The contract's answer for a credential on a route of an access level, in one key mode. */
export function expectedOutcome(
  mode: string,
  access: RouteAccess,
  credential: Credential,
): Outcome {
  if (access === 'none') return 'pass';
  if (mode === 'keyed, licence required and missing') {
    // The key is checked first; whoever gets past it meets the licence (402).
    const keyed = expectedOutcome('keyed', access, credential);
    return keyed === 'pass' ? 402 : keyed;
  }
  const isAdmin = credential === 'admin' || credential === 'admin_query';
  if (mode === 'open') {
    // No key configured at all: every caller is anonymous; admin routes are closed.
    return access === 'key' ? 'pass' : 403;
  }
  if (mode === 'open with admin keys') {
    // Only admin keys exist: anonymous callers pass key routes, any other key is unknown.
    if (isAdmin) return 'pass';
    if (credential === 'none') return access === 'key' ? 'pass' : 401;
    return 401;
  }
  // keyed
  if (credential === 'none' || credential === 'unknown') return 401;
  if (access === 'key') return 'pass';
  return isAdmin ? 'pass' : 403;
}

export function requestFor(
  route: RouteEntry,
  credential: Credential,
): { url: string; init: RequestInit } {
  let url = route.path.replace(/\{[^}/]+\}/g, '00000000-0000-4000-8000-000000000000');
  const headers: Record<string, string> = {};
  const key = {
    none: undefined,
    unknown: KEYS.unknown,
    user: KEYS.userA,
    other_tenant: KEYS.userB,
    admin: KEYS.admin,
    admin_query: undefined,
  }[credential];
  if (key) headers['X-API-Key'] = key;
  if (credential === 'admin_query') url += `?api_key=${KEYS.admin}`;
  const init: RequestInit = { method: route.method, headers };
  if (route.method !== 'GET' && route.method !== 'HEAD') {
    headers['Content-Type'] = 'application/json';
    init.body = '{}';
  }
  return { url, init };
}

export const CODE_OF = { 401: 'unauthorized', 402: 'license_invalid', 403: 'forbidden' } as const;
