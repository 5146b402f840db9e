import { afterEach, describe, expect, it } from 'vitest';
import {
  downUrl,
  type LoopbackServer,
  startSlackProtocolDouble,
} from '../../test/protocol-doubles.js';
import { NotifyActuator } from './notify-actuator.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const HOOK = '/services/T000/B000/XXXX';
const PARAMS = {
  text: 'oom: java.lang.OutOfMemoryError <heap> & more',
  category: 'oom',
  service: 'payments-api',
};

async function slack(options: Parameters<typeof startSlackProtocolDouble>[0] = {}) {
  const server = await startSlackProtocolDouble({ hookPath: HOOK, ...options });
  servers.push(server);
  return server;
}

const notify = (url: string | null) =>
  new NotifyActuator({ webhookUrl: url, retryDelayMs: () => 5 });

describe('NotifyActuator (against a Slack incoming-webhook protocol double)', () => {
  it('posts a Slack message (text and blocks) and reads the ok', async () => {
    const server = await slack();
    const result = await notify(`${server.url}${HOOK}`).execute('send', PARAMS, {
      dryRun: false,
      actionId: 'act-9',
    });
    expect(result).toEqual({
      ok: true,
      output: expect.stringMatching(/^posted to 127\.0\.0\.1:\d+ \(ok\)$/),
    });
    const body = server.requests[0]?.json as { text: string; blocks: unknown[] };
    expect(body.text).toBe(
      ':rotating_light: *oom in payments-api*: oom: java.lang.OutOfMemoryError &lt;heap&gt; &amp; more',
    );
    expect(body.blocks).toHaveLength(2);
    expect(JSON.stringify(body.blocks)).toContain('act-9');
  });

  it('is not configured without NOTIFY_WEBHOOK_URL, and sends nothing in dry run', async () => {
    expect(notify(null).configured).toBe(false);
    const server = await slack();
    const result = await notify(`${server.url}${HOOK}`).execute('send', PARAMS, {
      dryRun: true,
      actionId: 'a',
    });
    expect(result.output).toMatch(/^dry run/);
    expect(server.requests).toEqual([]);
  });

  it('retries 429 and 5xx, and fails on a wrong hook without revealing its path', async () => {
    const flaky = await slack({ statuses: [429, 500, 200] });
    expect(
      (
        await notify(`${flaky.url}${HOOK}`).execute('send', PARAMS, {
          dryRun: false,
          actionId: 'a',
        })
      ).ok,
    ).toBe(true);
    expect(flaky.requests).toHaveLength(3);

    const server = await slack();
    const wrong = await notify(`${server.url}/services/T000/B000/SECRETPART`).execute(
      'send',
      PARAMS,
      {
        dryRun: false,
        actionId: 'a',
      },
    );
    expect(wrong.ok).toBe(false);
    expect(wrong.error).toMatch(/HTTP 404: no_service/);
    expect(wrong.error).not.toContain('SECRETPART');

    const down = await notify(`${await downUrl()}${HOOK}`).execute('send', PARAMS, {
      dryRun: false,
      actionId: 'a',
    });
    expect(down.error).toMatch(/ECONNREFUSED/);
  });

  it('rejects parameters that do not fit the operation', async () => {
    const result = await notify('http://127.0.0.1:1/x').execute(
      'send',
      { text: '' },
      { dryRun: false, actionId: 'a' },
    );
    expect(result.error).toMatch(/parameter text rejected/);
  });
});
