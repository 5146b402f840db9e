import {
  type Actuator,
  type ActuatorContext,
  type ActuatorResult,
  findPlugin,
  parseParams,
} from '@agent/core';
import type { KyInstance } from 'ky';
import { describeHttpFailure } from '../http/http-errors.js';
import { type DecorateHeaders, outboundHttp } from '../http/outbound-http.js';
import type { NotifySettings } from '../policy/policy-file.js';

export interface NotifyActuatorOptions {
  /** `NOTIFY_WEBHOOK_URL`: a Slack-compatible incoming webhook. Unset: not configured. */
  webhookUrl: string | null | undefined;
  settings?: NotifySettings | undefined;
  decorateHeaders?: DecorateHeaders | undefined;
  fetch?: typeof fetch | undefined;
  retryDelayMs?: ((attempt: number) => number) | undefined;
}

const SPEC = findPlugin('notify')!;

/** Slack's escaping for the three characters its mrkdwn treats as control characters. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * `notify.send`: tells the on-call channel what was found, as a message to a
 * Slack-compatible incoming webhook (`{"text", "blocks"}` posted as JSON;
 * Slack answers 200 `ok`). Retries 429 and 5xx answers. The webhook URL is a
 * secret: errors name its host only. In dry run nothing is sent.
 */
export class NotifyActuator implements Actuator {
  readonly plugin = 'notify';
  readonly spec = SPEC;
  readonly #url: URL | null;
  readonly #options: NotifyActuatorOptions;
  readonly #http: KyInstance;

  constructor(options: NotifyActuatorOptions) {
    this.#url = options.webhookUrl ? new URL(options.webhookUrl) : null;
    this.#options = options;
    this.#http = outboundHttp({ decorateHeaders: options.decorateHeaders, fetch: options.fetch });
  }

  get configured(): boolean {
    return this.#url !== null;
  }

  async execute(
    operation: string,
    params: Record<string, unknown>,
    context: ActuatorContext,
  ): Promise<ActuatorResult> {
    const parsed = parseParams(this.spec.name, operation, params);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    if (!this.#url) return { ok: false, error: 'notify is not configured (NOTIFY_WEBHOOK_URL)' };
    const url = this.#url;
    if (context.dryRun) return { ok: true, output: `dry run: would post to ${url.host}` };

    const { text, category, service } = parsed.data as {
      text: string;
      category?: string;
      service?: string;
    };
    const title = [category ? category.replaceAll('_', ' ') : 'incident', service]
      .filter(Boolean)
      .join(' in ');
    const message = `:rotating_light: *${escapeSlack(title)}*: ${escapeSlack(text)}`;
    const timeout = this.#options.settings?.timeout_ms ?? 5000;
    const retries = this.#options.settings?.retries ?? 2;
    try {
      const response = await this.#http.post(url, {
        json: {
          text: message,
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: message } },
            {
              type: 'context',
              elements: [{ type: 'mrkdwn', text: `devops-agent action ${context.actionId}` }],
            },
          ],
        },
        headers: { 'content-type': 'application/json' },
        timeout,
        retry: {
          limit: retries,
          methods: ['post'],
          statusCodes: [429, 500, 502, 503, 504],
          afterStatusCodes: [429, 503],
          maxRetryAfter: timeout,
          delay: this.#options.retryDelayMs ?? ((n: number) => Math.min(2000, 200 * 2 ** (n - 1))),
        },
        redirect: 'error',
        signal: context.signal,
      });
      const body = (await response.text().catch(() => '')).trim();
      return { ok: true, output: `posted to ${url.host}${body ? ` (${body.slice(0, 100)})` : ''}` };
    } catch (error) {
      return { ok: false, error: `notify: ${await describeHttpFailure(error, url, timeout)}` };
    }
  }
}
