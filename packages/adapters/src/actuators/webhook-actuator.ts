import {
  type Actuator,
  type ActuatorContext,
  type ActuatorResult,
  findPlugin,
  parseParams,
} from '@agent/core';
import type { KyInstance } from 'ky';
import { clip, describeHttpFailure } from '../http/http-errors.js';
import { type DecorateHeaders, outboundHttp } from '../http/outbound-http.js';
import type { WebhookSettings } from '../policy/policy-file.js';
import { resolveSecretValues } from '../secrets/resolve-secret-values.js';
import { hostAllowed } from './host-allowlist.js';

export interface WebhookActuatorOptions {
  /** `actuators.webhook` of the policy file: hooks and the host allowlist (empty: nothing can be called). */
  settings: WebhookSettings;
  decorateHeaders?: DecorateHeaders | undefined;
  fetch?: typeof fetch | undefined;
  /** Delay before retry n (1-based), ms; default 200 ms doubling, at most 2 s. */
  retryDelayMs?: ((attempt: number) => number) | undefined;
}

const SPEC = findPlugin('webhook')!;

/**
 * `webhook.trigger`: POSTs the incident as JSON to an operator-configured
 * hook (runbook automation, CI dispatch, chat). Only hosts on the allowlist
 * are called, redirects are refused (they could leave it), each attempt has a
 * timeout, and a 5xx answer is retried with the same `Idempotency-Key` (the
 * action id) so the receiver can tell a retry from a new request. Header
 * values may come from the secret store. In dry run nothing is sent.
 */
export class WebhookActuator implements Actuator {
  readonly plugin = 'webhook';
  readonly spec = SPEC;
  readonly #settings: WebhookSettings;
  readonly #options: WebhookActuatorOptions;
  readonly #http: KyInstance;

  constructor(options: WebhookActuatorOptions) {
    this.#settings = options.settings;
    this.#options = options;
    this.#http = outboundHttp({ decorateHeaders: options.decorateHeaders, fetch: options.fetch });
  }

  get configured(): boolean {
    return (
      this.#settings.allowed_hosts.length > 0 &&
      Object.values(this.#settings.hooks).some((hook) =>
        hostAllowed(new URL(hook.url), this.#settings.allowed_hosts),
      )
    );
  }

  /** Why this action cannot run with the current configuration, or null. */
  unavailable(_operation: string, params: Record<string, unknown>): string | null {
    const name = String(params.hook ?? '');
    const hook = this.#settings.hooks[name];
    if (!hook) return `webhook hook "${name}" is not configured`;
    const url = new URL(hook.url);
    if (!hostAllowed(url, this.#settings.allowed_hosts)) {
      return `webhook host ${url.hostname} is not on the allowlist`;
    }
    return null;
  }

  async execute(
    operation: string,
    params: Record<string, unknown>,
    context: ActuatorContext,
  ): Promise<ActuatorResult> {
    const parsed = parseParams(this.spec.name, operation, params);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const blocked = this.unavailable(operation, parsed.data);
    if (blocked) return { ok: false, error: blocked };
    const hook = this.#settings.hooks[String(parsed.data.hook)]!;
    const url = new URL(hook.url);
    if (context.dryRun) {
      return { ok: true, output: `dry run: would POST to ${url.host}${url.pathname}` };
    }
    const headers = await resolveSecretValues(hook.headers, context.secrets);
    const timeout = hook.timeout_ms ?? this.#settings.timeout_ms;
    const retries = hook.retries ?? this.#settings.retries;
    const delay = this.#options.retryDelayMs ?? ((n: number) => Math.min(2000, 200 * 2 ** (n - 1)));
    try {
      const response = await this.#http.post(url, {
        json: { action_id: context.actionId, ...parsed.data, sent_at: new Date().toISOString() },
        headers: {
          ...headers,
          'content-type': 'application/json',
          'idempotency-key': context.actionId,
        },
        timeout,
        retry: {
          limit: retries,
          methods: ['post'],
          statusCodes: [500, 502, 503, 504],
          afterStatusCodes: [],
          delay,
        },
        redirect: 'manual',
        signal: context.signal,
      });
      if (response.status >= 300) {
        return {
          ok: false,
          error: `${url.host} answered HTTP ${response.status}: redirects are not followed`,
        };
      }
      const text = await response.text().catch(() => '');
      return {
        ok: true,
        output: `${url.host} answered HTTP ${response.status}${text.trim() ? `: ${clip(text.trim(), 500)}` : ''}`,
      };
    } catch (error) {
      return {
        ok: false,
        error: `webhook ${String(parsed.data.hook)}: ${await describeHttpFailure(error, url, timeout)}`,
      };
    }
  }
}
