import { MemorySecretStore, type SecretStore } from '@agent/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  downUrl,
  type LoopbackServer,
  startWebhookProtocolDouble,
} from '../../test/protocol-doubles.js';
import { ActuatorSettingsSchema } from '../policy/policy-file.js';
import { hostAllowed } from './host-allowlist.js';
import { WebhookActuator } from './webhook-actuator.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const PARAMS = { hook: 'runbook', category: 'oom', service: 'payments-api', namespace: 'payments' };

function actuator(url: string, extra: Record<string, unknown> = {}, allowed = ['127.0.0.1']) {
  const settings = ActuatorSettingsSchema.parse({
    webhook: {
      allowed_hosts: allowed,
      hooks: {
        runbook: {
          url: `${url}/hooks/devops`,
          headers: {
            Authorization: { secret: 'runbooks#token', prefix: 'Bearer ' },
            'X-Team': 'sre',
          },
          ...extra,
        },
      },
    },
  }).webhook;
  return new WebhookActuator({ settings, retryDelayMs: () => 10 });
}

const secrets: SecretStore = new MemorySecretStore({ 'runbooks#token': 'rb-123' });
const run = (a: WebhookActuator, secretStore: SecretStore | undefined = secrets, dryRun = false) =>
  a.execute('trigger', PARAMS, { dryRun, actionId: 'act-1', secrets: secretStore });

async function receiver(options: Parameters<typeof startWebhookProtocolDouble>[0] = {}) {
  const server = await startWebhookProtocolDouble(options);
  servers.push(server);
  return server;
}

describe('WebhookActuator (against a webhook receiver protocol double)', () => {
  it('POSTs the incident as JSON with secret headers and an idempotency key', async () => {
    const server = await receiver();
    const result = await run(actuator(server.url));
    expect(result).toMatchObject({ ok: true });
    expect(result.output).toMatch(/answered HTTP 200/);
    const [request] = server.requests;
    expect(request?.path).toBe('/hooks/devops');
    expect(request?.headers.authorization).toBe('Bearer rb-123');
    expect(request?.headers['x-team']).toBe('sre');
    expect(request?.headers['idempotency-key']).toBe('act-1');
    expect(request?.json).toMatchObject({ action_id: 'act-1', ...PARAMS });
  });

  it('retries a 5xx with the same idempotency key, and not a 4xx', async () => {
    const flaky = await receiver({ statuses: [503, 502, 200] });
    expect((await run(actuator(flaky.url))).ok).toBe(true);
    expect(flaky.requests).toHaveLength(3);
    expect(new Set(flaky.requests.map((r) => r.headers['idempotency-key']))).toEqual(
      new Set(['act-1']),
    );

    const broken = await receiver({ statuses: [500] });
    const failed = await run(actuator(broken.url, { retries: 1 }));
    expect(failed).toMatchObject({ ok: false });
    expect(failed.error).toMatch(/answered HTTP 500/);
    expect(broken.requests).toHaveLength(2);

    const refused = await receiver({ statuses: [422] });
    expect((await run(actuator(refused.url))).error).toMatch(/HTTP 422/);
    expect(refused.requests).toHaveLength(1);
  });

  it('times out a slow receiver, and reports one that is down', async () => {
    const slow = await receiver({ delayMs: 1000 });
    const result = await run(actuator(slow.url, { timeout_ms: 100, retries: 0 }));
    expect(result.error).toMatch(/did not answer within 100 ms/);
    const down = await run(actuator(await downUrl()));
    expect(down.error).toMatch(/ECONNREFUSED/);
  });

  it('only calls allowlisted hosts, and never follows a redirect off them', async () => {
    const server = await receiver();
    const offList = actuator(server.url, {}, ['runbooks.example.com']);
    expect(offList.configured).toBe(false);
    expect(offList.unavailable('trigger', PARAMS)).toBe(
      'webhook host 127.0.0.1 is not on the allowlist',
    );
    expect((await run(offList)).ok).toBe(false);
    expect(server.requests).toEqual([]);
    expect(actuator(server.url).unavailable('trigger', { ...PARAMS, hook: 'deploy' })).toBe(
      'webhook hook "deploy" is not configured',
    );

    const redirecting = await receiver({ redirectTo: 'http://169.254.169.254/latest/meta-data' });
    const result = await run(actuator(redirecting.url));
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/HTTP 307/);
  });

  it('sends nothing in dry run', async () => {
    const server = await receiver();
    const result = await run(actuator(server.url), secrets, true);
    expect(result).toEqual({
      ok: true,
      output: expect.stringMatching(/^dry run: would POST to 127\.0\.0\.1:\d+\/hooks\/devops$/),
    });
    expect(server.requests).toEqual([]);
  });

  it('fails, naming the secret, when it is missing or the store is down', async () => {
    const server = await receiver();
    await expect(run(actuator(server.url), new MemorySecretStore())).rejects.toThrow(
      'secret "runbooks#token" is missing from the memory secret store',
    );
    const down: SecretStore = {
      name: 'vault',
      get: async () => {
        throw new Error('vault: cannot reach vault:8200 (ECONNREFUSED)');
      },
    };
    await expect(run(actuator(server.url), down)).rejects.toThrow(
      /secret "runbooks#token" could not be read: vault: cannot reach/,
    );
    expect(server.requests).toEqual([]);
  });

  it('matches hosts exactly or by *. subdomain', () => {
    const url = (s: string) => new URL(s);
    expect(hostAllowed(url('https://hooks.example.com/x'), ['*.example.com'])).toBe(true);
    expect(hostAllowed(url('https://example.com/x'), ['*.example.com'])).toBe(false);
    expect(hostAllowed(url('https://evilexample.com/x'), ['*.example.com'])).toBe(false);
    expect(hostAllowed(url('https://EXAMPLE.com./x'), ['example.com'])).toBe(true);
    expect(hostAllowed(url('https://example.com.evil.io/x'), ['example.com'])).toBe(false);
  });
});
