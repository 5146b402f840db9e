import type { Category } from '../domain/categories.js';
import type { IncidentContext, Mode, PlannedAction, Principal } from '../domain/types.js';
import type { Actuator } from '../ports/actuator.js';
import type { PolicyEngine } from '../ports/policy-engine.js';
import type { PlannedStep } from './plan.js';

export interface GovernInput {
  steps: readonly PlannedStep[];
  mode: Mode;
  category: Category;
  confidence: number;
  learned: boolean;
  context: IncidentContext;
  principal: Principal;
  executionEnabled: boolean;
  newId: () => string;
}

export interface GovernDeps {
  policyEngine: PolicyEngine;
  actuators: ReadonlyMap<string, Actuator>;
}

/**
 * Decide, and in auto mode act, for each planned step. The order of checks is
 * the contract's: an unconfigured actuator or invalid params skip the action
 * without asking policy; then policy decides; only `allowed` executes.
 * In safe mode the decision is still computed so the operator sees what auto
 * mode would do, but nothing runs.
 */
export async function governActions(
  input: GovernInput,
  deps: GovernDeps,
): Promise<PlannedAction[]> {
  const actions: PlannedAction[] = [];
  for (const step of input.steps) {
    const action: PlannedAction = {
      actionId: input.newId(),
      plugin: step.plugin,
      operation: step.operation,
      params: step.params,
      risk: step.risk,
      description: step.description,
      decision: 'denied',
      reasons: [],
      status: input.mode === 'safe' ? 'dry_run' : 'skipped',
    };
    actions.push(action);
    const actuator = deps.actuators.get(step.plugin);
    const blocked =
      step.invalid ?? (!actuator?.configured ? `plugin ${step.plugin} is not configured` : null);
    if (blocked) {
      action.reasons.push(blocked);
      continue;
    }
    const verdict = await deps.policyEngine.decide({
      action: {
        plugin: step.plugin,
        operation: step.operation,
        params: step.params,
        risk: step.risk,
      },
      incident: { category: input.category, confidence: input.confidence, learned: input.learned },
      context: input.context,
      principal: input.principal,
      mode: input.mode,
    });
    action.decision = verdict.decision;
    action.reasons.push(...verdict.reasons);
    if (input.mode === 'safe' || !actuator) continue;
    if (!input.executionEnabled) {
      action.status = 'skipped';
      action.reasons.push('execution disabled');
      continue;
    }
    if (verdict.decision === 'denied') action.status = 'skipped';
    else if (verdict.decision === 'approval_required') action.status = 'pending_approval';
    else {
      const result = await actuator
        .execute(step.operation, step.params, { dryRun: false, actionId: action.actionId })
        .catch((error: unknown) => ({
          ok: false,
          output: undefined,
          error: error instanceof Error ? error.message : String(error),
        }));
      action.status = result.ok ? 'executed' : 'failed';
      if (result.output !== undefined) action.output = result.output;
      if (result.error !== undefined) action.error = result.error;
    }
  }
  return actions;
}
