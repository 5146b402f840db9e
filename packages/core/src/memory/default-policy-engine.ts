import {
  DEFAULT_POLICY_RULES,
  evaluatePolicyRules,
  type PolicyRules,
  type PolicyRulesInput,
  PolicyRulesSchema,
} from '../policy/policy-rules.js';
import type { PolicyDecision, PolicyEngine, PolicyInput } from '../ports/policy-engine.js';

/**
 * The built-in policy engine: the rules of a policy file (or the defaults,
 * which need no file). Low-risk actions on a confident diagnosis may run;
 * anything riskier, in production, or based on a learned category needs
 * approval; a plugin off the allowlist, a low confidence or a target past
 * its blast radius is denied.
 */
export class DefaultPolicyEngine implements PolicyEngine {
  readonly name = 'builtin';
  readonly rules: PolicyRules;

  /** `rules` are validated (an invalid rule throws); without them the defaults apply. */
  constructor(options: { rules?: PolicyRulesInput; minConfidence?: number } = {}) {
    const rules = options.rules ? PolicyRulesSchema.parse(options.rules) : DEFAULT_POLICY_RULES;
    this.rules =
      options.minConfidence === undefined
        ? rules
        : { ...rules, min_confidence: options.minConfidence };
  }

  get blastRadiusWindowSec(): number {
    return this.rules.blast_radius.window_sec;
  }

  get blastRadiusMaxExecutions(): number {
    return this.rules.blast_radius.max_executions;
  }

  async decide(input: PolicyInput): Promise<PolicyDecision> {
    return evaluatePolicyRules(this.rules, input);
  }
}
