import { MemorySecretStore } from '@agent/core';
import { describe, expect, it } from 'vitest';
import { ActuatorSettingsSchema } from '../policy/policy-file.js';
import { CommandActuator } from './command-actuator.js';

function actuator(command: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const settings = ActuatorSettingsSchema.parse({
    command: {
      allowed_executables: [
        '/bin/echo',
        '/bin/sleep',
        '/usr/bin/env',
        '/bin/false',
        '/usr/bin/head',
      ],
      commands: { probe: command },
      ...extra,
    },
  }).command;
  return new CommandActuator({ settings, path: '/usr/bin:/bin', killGraceMs: 200 });
}

const run = (a: CommandActuator, args: Record<string, string> = {}, dryRun = false) =>
  a.execute(
    'run',
    { command: 'probe', args },
    {
      dryRun,
      actionId: 'act-1',
      secrets: new MemorySecretStore({ 'kube#config': '/etc/kube/config' }),
    },
  );

describe('CommandActuator (real processes)', () => {
  it('runs an allowlisted executable with its argv template, each element one argument, no shell', async () => {
    const echo = actuator({
      executable: '/bin/echo',
      argv: ['deployment/{{deployment}}', '-n', '{{namespace}}', '$(id);`id`|*'],
    });
    const result = await run(echo, { deployment: 'payments-api', namespace: 'payments' });
    expect(result).toEqual({
      ok: true,
      output: 'deployment/payments-api -n payments $(id);`id`|*',
    });
  });

  it('refuses what is not allowlisted or configured, and arguments the template needs but lacks', async () => {
    const curl = actuator({ executable: '/usr/bin/curl', argv: [] });
    expect(curl.configured).toBe(false);
    expect(curl.unavailable('run', { command: 'probe', args: {} })).toBe(
      'executable /usr/bin/curl is not on the allowlist',
    );
    expect((await run(curl)).ok).toBe(false);
    const echo = actuator({ executable: '/bin/echo', argv: ['{{pod}}'] });
    expect(echo.unavailable('run', { command: 'other', args: {} })).toBe(
      'command "other" is not configured',
    );
    expect((await run(echo)).error).toBe('command "probe" needs argument pod');
    // Schema checks happen again inside the actuator.
    expect((await run(echo, { pod: '--all' })).error).toMatch(/args\.pod rejected/);
  });

  it('kills a process that outlives its timeout', async () => {
    const sleep = actuator({ executable: '/bin/sleep', argv: ['5'], timeout_ms: 150 });
    const started = performance.now();
    const result = await run(sleep);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/\/bin\/sleep timed out after 150 ms and was killed/);
  });

  it('caps the output it keeps', async () => {
    const head = actuator(
      { executable: '/usr/bin/head', argv: ['-c', '5000', '/dev/zero'] },
      { max_output_bytes: 1024 },
    );
    const result = await run(head);
    expect(result.ok).toBe(true);
    expect(result.output).toMatch(/\[output truncated: 3976 more bytes\]$/);
  });

  it('reports a failing exit code, and a process that cannot start', async () => {
    expect(await run(actuator({ executable: '/bin/false' }))).toMatchObject({
      ok: false,
      error: '/bin/false exited with code 1',
    });
    const settings = ActuatorSettingsSchema.parse({
      command: {
        allowed_executables: ['/no/such/bin'],
        commands: { probe: { executable: '/no/such/bin' } },
      },
    }).command;
    const missing = await run(new CommandActuator({ settings }));
    expect(missing).toEqual({ ok: false, error: 'cannot run /no/such/bin (ENOENT)' });
  });

  it('gives the process only PATH and its configured environment, secrets resolved', async () => {
    const env = actuator({
      executable: '/usr/bin/env',
      env: { KUBECONFIG: { secret: 'kube#config' }, MODE: 'check' },
    });
    const result = await run(env);
    expect((result.output ?? '').split('\n').sort()).toEqual([
      'KUBECONFIG=/etc/kube/config',
      'MODE=check',
      'PATH=/usr/bin:/bin',
    ]);
  });

  it('spawns nothing in dry run', async () => {
    const sleep = actuator({ executable: '/bin/sleep', argv: ['{{seconds}}'] });
    expect(await run(sleep, { seconds: '5' }, true)).toEqual({
      ok: true,
      output: 'dry run: would run /bin/sleep 5',
    });
  });
});
