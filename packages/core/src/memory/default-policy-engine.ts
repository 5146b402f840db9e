import type { PolicyDecision, PolicyEngine, PolicyInput } from '../ports/policy-engine.js';

/**
 * The policy `createAgent()` uses when none is given: conservative rules that
 * need no file. Low-risk actions on a confident diagnosis may run; anything
 * riskier, in production, or based on a learned category needs approval.
 */
export class DefaultPolicyEngine implements PolicyEngine {
  readonly name = 'builtin';
  readonly #minConfidence: number;

  constructor(options: { minConfidence?: number } = {}) {
    this.#minConfidence = options.minConfidence ?? 0.6;
  }

  async decide(input: PolicyInput): Promise<PolicyDecision> {
    if (input.incident.confidence < this.#minConfidence) {
      return {
        decision: 'denied',
        reasons: [
          `confidence ${input.incident.confidence.toFixed(2)} is below the minimum ${this.#minConfidence}`,
        ],
      };
    }
    const reasons: string[] = [];
    if (input.action.risk !== 'low')
      reasons.push(`${input.action.risk}-risk action needs approval`);
    if (input.context.environment === 'production') reasons.push('production needs approval');
    if (input.incident.learned) reasons.push('category was learned, not observed');
    if (reasons.length > 0) return { decision: 'approval_required', reasons };
    return { decision: 'allowed', reasons: ['low-risk action on a confident diagnosis'] };
  }
}
