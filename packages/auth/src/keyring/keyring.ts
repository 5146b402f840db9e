import { timingSafeEqual } from 'node:crypto';
import { ANONYMOUS, type Principal } from '@agent/core';
import { keyDigest, keyIdOf } from './key-id.js';

/** One `API_KEYS` entry: a bare key is bound to tenant `default` by the config parser. */
export interface ApiKeyEntry {
  readonly tenant: string;
  readonly key: string;
}

export interface KeyringOptions {
  readonly apiKeys: readonly ApiKeyEntry[];
  readonly adminKeys: readonly string[];
}

export type AuthenticationResult =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: 'missing' | 'unknown' };

export interface Keyring {
  /**
   * Open mode is `API_KEYS` unset (the contract's definition). Admin keys
   * still authenticate as admin in open mode; they only guard admin routes.
   */
  readonly openMode: boolean;
  /** Whether any admin key is configured (admin routes answer 403 in open mode without one). */
  readonly hasAdminKeys: boolean;
  /**
   * Who presents this key. Decisions that are the same for every route live
   * here, so the HTTP middleware and the WebSocket upgrade agree:
   * - a configured key -> its principal;
   * - no key: open mode -> `ANONYMOUS`, otherwise `missing`;
   * - an unknown key -> `unknown`, except when no key at all is configured
   *   (open mode without `ADMIN_KEYS`): then there is nothing it could be
   *   mistaken for and old callers that still send a key keep working, so it
   *   is ignored and the caller is `ANONYMOUS`. Once `ADMIN_KEYS` exist, an
   *   unknown key is refused, so a mistyped admin key is a 401, not a
   *   silent downgrade to anonymous.
   * Role checks (admin routes) are the caller's job.
   */
  authenticate(presented: string | undefined | null): AuthenticationResult;
}

interface KeyringEntry {
  readonly digest: Buffer;
  readonly principal: Principal;
}

/** Admins act on every tenant; their principal names the default one. */
const ADMIN_TENANT = 'default';

export function createKeyring(options: KeyringOptions): Keyring {
  const entries: KeyringEntry[] = [];
  const seen = new Map<string, Principal>();

  const add = (key: string, principal: Omit<Principal, 'keyId'>): void => {
    if (key.length === 0) throw new TypeError('createKeyring: a key is empty');
    const keyId = keyIdOf(key);
    const earlier = seen.get(keyId);
    if (earlier) {
      // The same key in API_KEYS and ADMIN_KEYS is an admin key (admins were
      // added first). The same key bound to two tenants is a configuration
      // mistake that would make tenant isolation depend on list order.
      if (earlier.role === 'user' && earlier.tenant !== principal.tenant) {
        throw new TypeError(
          `createKeyring: key ${keyId} is bound to tenants ${earlier.tenant} and ${principal.tenant}`,
        );
      }
      return;
    }
    const full: Principal = Object.freeze({ keyId, ...principal });
    seen.set(keyId, full);
    entries.push({ digest: keyDigest(key), principal: full });
  };

  for (const key of options.adminKeys) add(key, { tenant: ADMIN_TENANT, role: 'admin' });
  for (const { tenant, key } of options.apiKeys) {
    if (tenant.length === 0) throw new TypeError('createKeyring: a tenant is empty');
    add(key, { tenant, role: 'user' });
  }

  const openMode = options.apiKeys.length === 0;
  const hasAdminKeys = options.adminKeys.length > 0;

  return {
    openMode,
    hasAdminKeys,
    authenticate(presented) {
      if (presented === undefined || presented === null || presented === '') {
        return openMode ? { ok: true, principal: ANONYMOUS } : { ok: false, reason: 'missing' };
      }
      const digest = keyDigest(presented);
      // Compare against every digest, with no early exit, so the time taken
      // says nothing about whether or where a key matched. Digests have a
      // fixed length, so timingSafeEqual never throws on a length mismatch.
      let match: Principal | undefined;
      for (const entry of entries) {
        const equal = timingSafeEqual(digest, entry.digest);
        if (equal && match === undefined) match = entry.principal;
      }
      if (match) return { ok: true, principal: match };
      if (entries.length === 0) return { ok: true, principal: ANONYMOUS };
      return { ok: false, reason: 'unknown' };
    },
  };
}
