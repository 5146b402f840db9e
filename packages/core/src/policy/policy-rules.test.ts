import { describe, expect, it } from 'vitest';
import { DefaultPolicyEngine } from '../memory/default-policy-engine.js';
import type { PolicyInput } from '../ports/policy-engine.js';
import { DEFAULT_POLICY_RULES, evaluatePolicyRules, PolicyRulesSchema } from './policy-rules.js';

const input = (overrides: {
  action?: Partial<PolicyInput['action']>;
  incident?: Partial<PolicyInput['incident']>;
  context?: PolicyInput['context'];
}): PolicyInput => ({
  action: {
    plugin: 'notify',
    operation: 'send',
    params: { text: 'x' },
    risk: 'low',
    target: 'notify.send@payments/api',
    recentExecutions: 0,
    ...overrides.action,
  },
  incident: { category: 'oom', confidence: 0.9, learned: false, ...overrides.incident },
  context: overrides.context ?? {},
  principal: { keyId: 'k', tenant: 'acme', role: 'user' },
  mode: 'auto',
  phase: 'plan',
});

const decide = (i: PolicyInput) => evaluatePolicyRules(DEFAULT_POLICY_RULES, i);

describe('built-in policy rules (the defaults)', () => {
  it('allows a low-risk action on a confident diagnosis', () => {
    expect(decide(input({}))).toEqual({
      decision: 'allowed',
      reasons: ['low-risk action on a confident diagnosis'],
    });
  });

  it('asks for approval for riskier actions, production and learned categories, saying why', () => {
    expect(
      decide(
        input({
          action: { risk: 'high' },
          incident: { learned: true },
          context: { environment: 'production' },
        }),
      ),
    ).toEqual({
      decision: 'approval_required',
      reasons: [
        'high-risk action needs approval',
        'production needs approval',
        'category was learned, not observed',
      ],
    });
  });

  it('denies plugins off the allowlist, low confidence and a reached blast radius, in that order', () => {
    const rules = PolicyRulesSchema.parse({ allowed_plugins: ['notify'] });
    expect(evaluatePolicyRules(rules, input({ action: { plugin: 'command' } })).reasons).toEqual([
      "plugin command is not on the policy's plugin allowlist",
    ]);
    expect(decide(input({ incident: { confidence: 0.59 } })).reasons).toEqual([
      'confidence 0.59 is below the minimum 0.6',
    ]);
    expect(decide(input({ action: { recentExecutions: 3 } }))).toEqual({
      decision: 'denied',
      reasons: [
        'blast radius reached: 3 executions on notify.send@payments/api in the last 3600 s (limit 3)',
      ],
    });
    expect(decide(input({ action: { recentExecutions: 2 } })).decision).toBe('allowed');
  });

  it('takes rules from a document, refusing unknown or invalid fields', () => {
    const engine = new DefaultPolicyEngine({
      rules: {
        min_confidence: 0.95,
        require_approval: { risks: [] },
        blast_radius: { window_sec: 60 },
      },
    });
    expect(engine.blastRadiusWindowSec).toBe(60);
    expect(engine.rules.require_approval.environments).toEqual(['production']);
    expect(() => new DefaultPolicyEngine({ rules: { minimum: 1 } as never })).toThrow();
    expect(() => PolicyRulesSchema.parse({ blast_radius: { max_executions: -1 } })).toThrow();
    expect(new DefaultPolicyEngine({ minConfidence: 0.2 }).rules.min_confidence).toBe(0.2);
  });
});
