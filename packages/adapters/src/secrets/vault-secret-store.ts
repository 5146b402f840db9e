import type { SecretStore } from '@agent/core';
import { HTTPError, type KyInstance } from 'ky';
import { describeHttpFailure } from '../http/http-errors.js';
import { type DecorateHeaders, outboundHttp } from '../http/outbound-http.js';

export interface VaultSecretStoreOptions {
  /** `VAULT_URL`. */
  url: string;
  /** `VAULT_TOKEN`; or log in with AppRole. */
  token?: string | null | undefined;
  appRole?: { roleId: string; secretId: string; mount?: string | undefined } | null | undefined;
  /** `VAULT_NAMESPACE` (Vault Enterprise), sent as `X-Vault-Namespace`. */
  namespace?: string | null | undefined;
  /** `VAULT_KV_MOUNT`: where the KV v2 engine is mounted. */
  kvMount?: string | undefined;
  /** How long a secret read is reused (default 300 s; 0 reads every time). */
  cacheTtlSec?: number | undefined;
  timeoutMs?: number | undefined;
  decorateHeaders?: DecorateHeaders | undefined;
  fetch?: typeof fetch | undefined;
  now?: (() => number) | undefined;
}

/** Vault could not be asked, or refused: the action needing the secret fails with this reason. */
export class VaultUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultUnavailableError';
  }
}

interface CachedPath {
  data: Record<string, unknown> | null;
  expiresAt: number;
}

/**
 * Secrets from Vault's KV version 2 engine. A name is `path#key` (`key`
 * defaults to `value`): `GET {url}/v1/{mount}/data/{path}` and the key of
 * `data.data`. Authenticates with a token (`X-Vault-Token`) or an AppRole
 * login (`POST /v1/auth/approle/login`, renewed when its lease ends or Vault
 * answers 403). Reads are cached per path for `cacheTtlSec`. Neither the
 * token nor any value ever appears in an error message.
 */
export class VaultSecretStore implements SecretStore {
  readonly name = 'vault';
  readonly #base: string;
  readonly #mount: string;
  readonly #options: VaultSecretStoreOptions;
  readonly #timeoutMs: number;
  readonly #cacheTtlMs: number;
  readonly #now: () => number;
  readonly #http: KyInstance;
  readonly #cache = new Map<string, CachedPath>();
  readonly #reading = new Map<string, Promise<CachedPath>>();
  #token: { value: string; expiresAt: number } | null = null;
  #login: Promise<string> | null = null;

  constructor(options: VaultSecretStoreOptions) {
    if (!options.token && !options.appRole) {
      throw new Error('Vault: give a token or AppRole credentials');
    }
    this.#options = options;
    this.#base = options.url.replace(/\/+$/, '');
    this.#mount = (options.kvMount ?? 'secret').replace(/^\/+|\/+$/g, '');
    this.#timeoutMs = options.timeoutMs ?? 3000;
    this.#cacheTtlMs = Math.max(0, options.cacheTtlSec ?? 300) * 1000;
    this.#now = options.now ?? Date.now;
    this.#http = outboundHttp({ decorateHeaders: options.decorateHeaders, fetch: options.fetch });
  }

  async get(name: string): Promise<string | undefined> {
    const hash = name.lastIndexOf('#');
    const path = (hash === -1 ? name : name.slice(0, hash)).replace(/^\/+|\/+$/g, '');
    const key = hash === -1 ? 'value' : name.slice(hash + 1);
    if (path === '' || path.split('/').some((p) => p === '' || p === '.' || p === '..')) {
      throw new VaultUnavailableError(`vault: "${name}" is not a secret path`);
    }
    const entry = await this.#read(path);
    const value = entry.data?.[key];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  /**
   * Readiness: `GET /v1/sys/health` answers 200 when Vault is initialized,
   * unsealed and active (429 / 472 / 473: a standby that serves reads).
   * Throws when it is sealed, uninitialized or unreachable.
   */
  async check(): Promise<void> {
    const url = new URL(`${this.#base}/v1/sys/health`);
    let status: number;
    try {
      const response = await this.#http.get(url, {
        headers: this.#headers({}),
        timeout: this.#timeoutMs,
        retry: 0,
        redirect: 'error',
        throwHttpErrors: false,
      });
      status = response.status;
    } catch (error) {
      throw new VaultUnavailableError(
        `vault: ${await describeHttpFailure(error, url, this.#timeoutMs)}`,
      );
    }
    if (![200, 429, 472, 473].includes(status)) {
      const why = status === 503 ? 'sealed' : status === 501 ? 'not initialized' : `HTTP ${status}`;
      throw new VaultUnavailableError(`vault: ${url.host} is ${why}`);
    }
  }

  /** Drops cached reads and the login token (tests, rotation). */
  clearCache(): void {
    this.#cache.clear();
    this.#token = null;
  }

  #read(path: string): Promise<CachedPath> {
    const cached = this.#cache.get(path);
    if (cached && cached.expiresAt > this.#now()) return Promise.resolve(cached);
    // Concurrent reads of one path share one request.
    let reading = this.#reading.get(path);
    if (!reading) {
      reading = this.#fetchPath(path).finally(() => this.#reading.delete(path));
      this.#reading.set(path, reading);
    }
    return reading;
  }

  async #fetchPath(path: string, retried = false): Promise<CachedPath> {
    const url = new URL(
      `${this.#base}/v1/${this.#mount}/data/${path.split('/').map(encodeURIComponent).join('/')}`,
    );
    const token = await this.#currentToken();
    let body: unknown;
    try {
      body = await this.#http
        .get(url, {
          headers: this.#headers({ 'X-Vault-Token': token }),
          timeout: this.#timeoutMs,
          retry: 0,
          redirect: 'error',
        })
        .json();
    } catch (error) {
      if (error instanceof HTTPError && error.response.status === 404) {
        // KV v2 answers 404 for a path with no (live) version: the secret is missing.
        return this.#remember(path, null);
      }
      if (
        error instanceof HTTPError &&
        error.response.status === 403 &&
        this.#options.appRole &&
        !retried
      ) {
        // The login token may have been revoked or expired early: log in once more.
        this.#token = null;
        return this.#fetchPath(path, true);
      }
      throw new VaultUnavailableError(
        `vault: ${await describeHttpFailure(error, url, this.#timeoutMs)}`,
      );
    }
    const data = (body as { data?: { data?: unknown } } | null)?.data?.data;
    if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
      throw new VaultUnavailableError(
        `vault: ${url.host} answered something that is not a KV v2 secret (is ${this.#mount} a KV v2 mount?)`,
      );
    }
    return this.#remember(path, data as Record<string, unknown> | null);
  }

  #remember(path: string, data: Record<string, unknown> | null): CachedPath {
    const entry = { data, expiresAt: this.#now() + this.#cacheTtlMs };
    if (this.#cacheTtlMs > 0) this.#cache.set(path, entry);
    return entry;
  }

  async #currentToken(): Promise<string> {
    if (this.#options.token) return this.#options.token;
    if (this.#token && this.#token.expiresAt > this.#now()) return this.#token.value;
    this.#login ??= this.#appRoleLogin().finally(() => {
      this.#login = null;
    });
    return this.#login;
  }

  async #appRoleLogin(): Promise<string> {
    const role = this.#options.appRole!;
    const mount = (role.mount ?? 'approle').replace(/^\/+|\/+$/g, '');
    const url = new URL(`${this.#base}/v1/auth/${mount}/login`);
    let body: unknown;
    try {
      body = await this.#http
        .post(url, {
          json: { role_id: role.roleId, secret_id: role.secretId },
          headers: this.#headers({}),
          timeout: this.#timeoutMs,
          retry: 0,
          redirect: 'error',
        })
        .json();
    } catch (error) {
      const why = await describeHttpFailure(error, url, this.#timeoutMs);
      throw new VaultUnavailableError(`vault: AppRole login failed: ${why}`);
    }
    const auth = (body as { auth?: { client_token?: unknown; lease_duration?: unknown } } | null)
      ?.auth;
    if (typeof auth?.client_token !== 'string' || auth.client_token === '') {
      throw new VaultUnavailableError('vault: AppRole login answered no client token');
    }
    const lease = typeof auth.lease_duration === 'number' ? auth.lease_duration : 0;
    // Renew a little before the lease ends; a lease of 0 means the token does not expire.
    const expiresAt =
      lease > 0 ? this.#now() + Math.max(1, lease - Math.min(30, lease / 10)) * 1000 : Infinity;
    this.#token = { value: auth.client_token, expiresAt };
    return auth.client_token;
  }

  #headers(extra: Record<string, string>): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (this.#options.namespace) headers['X-Vault-Namespace'] = this.#options.namespace;
    return headers;
  }
}
