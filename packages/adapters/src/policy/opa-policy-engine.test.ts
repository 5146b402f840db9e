import type { PolicyInput } from '@agent/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  downUrl,
  type LoopbackServer,
  startOpaProtocolDouble,
} from '../../test/protocol-doubles.js';
import { OpaPolicyEngine } from './opa-policy-engine.js';

const INPUT: PolicyInput = {
  action: {
    plugin: 'command',
    operation: 'run',
    params: { command: 'rollout-restart', args: { namespace: 'payments' } },
    risk: 'high',
    target: 'command.run@payments/api',
    recentExecutions: 1,
  },
  incident: { category: 'oom', confidence: 0.91, learned: false },
  context: { namespace: 'payments', environment: 'production' },
  principal: { keyId: 'k1', tenant: 'acme', role: 'user' },
  mode: 'auto',
  phase: 'plan',
};

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function opa(options: Parameters<typeof startOpaProtocolDouble>[0], timeoutMs = 1000) {
  const server = await startOpaProtocolDouble(options);
  servers.push(server);
  const engine = new OpaPolicyEngine({
    endpoint: `${server.url}/`,
    policyPath: 'devops/remediation/decision',
    timeoutMs,
    blastRadiusWindowSec: 1800,
  });
  return { server, engine };
}

describe('OpaPolicyEngine (against an OPA Data API protocol double)', () => {
  it('posts the input, snake_case, to /v1/data/{path} and maps the decision document', async () => {
    const { server, engine } = await opa({
      decide: () => ({
        allow: true,
        require_approval: true,
        reasons: ['production needs approval'],
      }),
    });
    expect(await engine.decide(INPUT)).toEqual({
      decision: 'approval_required',
      reasons: ['production needs approval'],
    });
    expect(server.requests[0]?.path).toBe('/v1/data/devops/remediation/decision');
    expect(server.requests[0]?.json).toEqual({
      input: {
        action: {
          plugin: 'command',
          operation: 'run',
          params: { command: 'rollout-restart', args: { namespace: 'payments' } },
          risk: 'high',
          target: 'command.run@payments/api',
          recent_executions: 1,
          window_sec: 1800,
        },
        incident: { category: 'oom', confidence: 0.91, learned: false },
        context: { namespace: 'payments', environment: 'production' },
        principal: { key_id: 'k1', tenant: 'acme', role: 'user' },
        mode: 'auto',
        phase: 'plan',
      },
    });
  });

  it('allows and denies as the document says', async () => {
    const allowed = await opa({ decide: () => ({ allow: true, require_approval: false }) });
    expect(await allowed.engine.decide(INPUT)).toEqual({
      decision: 'allowed',
      reasons: ['allowed by OPA'],
    });
    const denied = await opa({
      decide: () => ({ allow: false, reasons: ['blast radius reached'] }),
    });
    expect(await denied.engine.decide(INPUT)).toEqual({
      decision: 'denied',
      reasons: ['blast radius reached'],
    });
  });

  it('fails closed when OPA is slow: denied within the timeout', async () => {
    const { engine } = await opa({ delayMs: 2000, decide: () => ({ allow: true }) }, 150);
    const started = performance.now();
    const verdict = await engine.decide(INPUT);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(verdict.decision).toBe('denied');
    expect(verdict.reasons[0]).toBe('policy engine unavailable');
    expect(verdict.reasons[1]).toMatch(/did not answer within 150 ms/);
  });

  it('fails closed when OPA is down', async () => {
    const engine = new OpaPolicyEngine({
      endpoint: await downUrl(),
      policyPath: 'devops/remediation/decision',
      timeoutMs: 1000,
    });
    const verdict = await engine.decide(INPUT);
    expect(verdict).toMatchObject({ decision: 'denied' });
    expect(verdict.reasons).toEqual([
      'policy engine unavailable',
      expect.stringMatching(/ECONNREFUSED/),
    ]);
  });

  it.each([
    ['an undefined document', { decide: () => undefined }, /undefined/],
    ['allow that is not a boolean', { decide: () => ({ allow: 'yes' }) }, /allow/],
    ['a bare boolean', { decide: () => true }, /not \{allow/],
    ['non-JSON', { rawBody: '<html>oops' }, /policy engine unavailable|cannot reach|JSON/i],
    ['an error status', { status: 500 }, /HTTP 500/],
  ])('fails closed on garbage: %s', async (_name, options, detail) => {
    const { engine } = await opa(options);
    const verdict = await engine.decide(INPUT);
    expect(verdict.decision).toBe('denied');
    expect(verdict.reasons[0]).toBe('policy engine unavailable');
    expect(verdict.reasons.join(' ')).toMatch(detail);
  });

  it('reports readiness from GET /health', async () => {
    const { engine } = await opa({});
    await expect(engine.check()).resolves.toBeUndefined();
    const down = new OpaPolicyEngine({
      endpoint: await downUrl(),
      policyPath: 'devops/remediation/decision',
      timeoutMs: 500,
    });
    await expect(down.check()).rejects.toThrow(/opa: cannot reach .*ECONNREFUSED/);
  });

  it('refuses a policy path that is not a data path', () => {
    expect(
      () => new OpaPolicyEngine({ endpoint: 'http://opa', policyPath: '../x', timeoutMs: 1 }),
    ).toThrow(/policy path/);
  });
});
