import { z } from 'zod';
import { RISKS } from '../domain/types.js';
import { DEFAULT_ALLOWED_PATH_ROOTS } from '../playbooks/plugin-catalog.js';
import type { PolicyDecision, PolicyInput } from '../ports/policy-engine.js';

/**
 * The rules of the built-in policy engine, as they appear in a policy file
 * (`POLICY_FILE`, snake_case JSON). Every field has a default, so `{}` is the
 * default policy; an unknown field is an error rather than a silent no-op.
 */
export const PolicyRulesSchema = z
  .object({
    /** Below this diagnosis confidence nothing may act. */
    min_confidence: z.number().min(0).max(1).default(0.6),
    require_approval: z
      .object({
        /** Actions of these risks wait for an operator. */
        risks: z.array(z.enum(RISKS)).default(['medium', 'high']),
        /** Actions for incidents in these environments (request context) wait for an operator. */
        environments: z.array(z.string().min(1)).default(['production']),
        /** Actions for a category taught by feedback, not observed, wait for an operator. */
        learned_categories: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Plugins policy may allow at all. */
    allowed_plugins: z.array(z.string().min(1)).default(['notify', 'webhook', 'command']),
    blast_radius: z
      .object({
        /** At most this many executions per target (plugin, operation, workload) per window. */
        max_executions: z.number().int().min(0).default(3),
        window_sec: z.number().int().min(1).default(3600),
      })
      .strict()
      .prefault({}),
    /** Directories a path taken from a log may point into. */
    allowed_path_roots: z
      .array(z.string().regex(/^\/[^\0]*$/, 'must be an absolute path'))
      .default([...DEFAULT_ALLOWED_PATH_ROOTS]),
  })
  .strict();

export type PolicyRules = z.output<typeof PolicyRulesSchema>;
export type PolicyRulesInput = z.input<typeof PolicyRulesSchema>;

/** The built-in defaults: the same rules as `policies/default-policy.json` and `policies/remediation.rego`. */
export const DEFAULT_POLICY_RULES: PolicyRules = Object.freeze(PolicyRulesSchema.parse({}));

/**
 * The built-in rules applied to one action, in order: plugin allowlist,
 * minimum confidence, blast radius (each a denial), then what needs an
 * operator's approval. At approval time the same rules run again: a denial
 * still stops the action, while "needs approval" is what the approver gives.
 */
export function evaluatePolicyRules(rules: PolicyRules, input: PolicyInput): PolicyDecision {
  const { action, incident } = input;
  if (!rules.allowed_plugins.includes(action.plugin)) {
    return {
      decision: 'denied',
      reasons: [`plugin ${action.plugin} is not on the policy's plugin allowlist`],
    };
  }
  if (incident.confidence < rules.min_confidence) {
    return {
      decision: 'denied',
      reasons: [
        `confidence ${incident.confidence.toFixed(2)} is below the minimum ${rules.min_confidence}`,
      ],
    };
  }
  const { max_executions: max, window_sec: window } = rules.blast_radius;
  if (action.recentExecutions >= max) {
    return {
      decision: 'denied',
      reasons: [blastRadiusReached(action.recentExecutions, action.target, window, max)],
    };
  }
  const reasons: string[] = [];
  if (rules.require_approval.risks.includes(action.risk)) {
    reasons.push(`${action.risk}-risk action needs approval`);
  }
  const environment = input.context.environment;
  if (environment !== undefined && rules.require_approval.environments.includes(environment)) {
    reasons.push(`${environment} needs approval`);
  }
  if (incident.learned && rules.require_approval.learned_categories) {
    reasons.push('category was learned, not observed');
  }
  if (reasons.length > 0) return { decision: 'approval_required', reasons };
  return { decision: 'allowed', reasons: [`${action.risk}-risk action on a confident diagnosis`] };
}

/** The reason an action is denied once its target's blast radius is used up. */
export function blastRadiusReached(
  executions: number,
  target: string,
  windowSec: number,
  max: number,
): string {
  return `blast radius reached: ${executions} execution${executions === 1 ? '' : 's'} on ${target} in the last ${windowSec} s (limit ${max})`;
}
