import type { ActionChange, ActionRecord } from '../domain/actions.js';
import type { Category } from '../domain/categories.js';
import type { Decision, IncidentContext, Mode, PlannedAction, Principal } from '../domain/types.js';
import { blastRadiusReached } from '../policy/policy-rules.js';
import type { Actuator } from '../ports/actuator.js';
import type { AuditEntry } from '../ports/knowledge-store.js';
import type { PolicyDecision, PolicyEngine, PolicyInput } from '../ports/policy-engine.js';
import type { SecretStore } from '../ports/secret-store.js';
import { EXECUTING, executionAudit, runActuator } from './act.js';
import type { PlannedStep } from './plan.js';

/** Blast-radius window when the policy engine names none. */
export const DEFAULT_BLAST_RADIUS_WINDOW_SEC = 3600;
export const POLICY_UNAVAILABLE = 'policy engine unavailable';
export const EXECUTION_DISABLED = 'execution disabled';
export const NOT_LICENSED = 'the licence does not include the auto_remediation feature';

export interface GovernInput {
  steps: readonly PlannedStep[];
  mode: Mode;
  incidentId: string;
  category: Category;
  confidence: number;
  learned: boolean;
  context: IncidentContext;
  principal: Principal;
  /** `EXECUTION_ENABLED`: false skips every action in auto mode. */
  executionEnabled: boolean;
  /** The licence grants auto remediation (always true when licensing is off). */
  autoRemediationAllowed: boolean;
  now: Date;
  /** Pending approvals expire this long after they are planned. */
  approvalTtlSec: number;
  newId: () => string;
}

export interface GovernDeps {
  policyEngine: PolicyEngine;
  actuators: ReadonlyMap<string, Actuator>;
  secrets?: SecretStore | undefined;
  /** Executions of the target in the principal's tenant since the instant (the blast radius). */
  countExecutions(target: string, since: string): Promise<number>;
  /**
   * Stores the action as executing together with an execution slot of its
   * target, atomically against the blast radius (`limit` slots since
   * `since`; null: no limit). False when no slot was free: nothing stored.
   */
  reserveExecution(action: ActionRecord, since: string, limit: number | null): Promise<boolean>;
  /** Writes the outcome of a reserved execution (stamped with the time it is written). */
  finishExecution(actionId: string, change: Omit<ActionChange, 'updatedAt'>): Promise<void>;
  onPolicyDecision?: ((engine: string, decision: Decision) => void) | undefined;
}

export interface Governed {
  actions: PlannedAction[];
  /**
   * The actions still to store, as the store keeps them (approvals queue,
   * blast-radius history). Executed actions are not among them: each was
   * stored with its execution slot before it ran.
   */
  records: ActionRecord[];
  /** Every policy decision, skip and execution, in order. */
  audit: AuditEntry[];
}

/** Asks policy, failing closed: an engine that throws or answers nonsense denies. */
export async function decide(
  engine: PolicyEngine,
  input: PolicyInput,
  onDecision?: (engine: string, decision: Decision) => void,
): Promise<PolicyDecision> {
  let verdict: PolicyDecision;
  try {
    verdict = await engine.decide(input);
    if (!['allowed', 'denied', 'approval_required'].includes(verdict?.decision)) {
      verdict = { decision: 'denied', reasons: [POLICY_UNAVAILABLE] };
    }
  } catch {
    verdict = { decision: 'denied', reasons: [POLICY_UNAVAILABLE] };
  }
  onDecision?.(engine.name, verdict.decision);
  return { decision: verdict.decision, reasons: [...(verdict.reasons ?? [])] };
}

/**
 * Decide, and in auto mode act, for each planned step. The order of checks is
 * the contract's: an unconfigured actuator or invalid params skip the action
 * (decision `denied`) without asking policy; then policy decides: `denied`
 * skips, `approval_required` waits as `pending_approval`, `allowed` executes
 * now. Without the licence feature or with execution disabled every action
 * is skipped with that reason. In safe mode the decision is still computed so
 * the operator sees what auto mode would do, but nothing runs.
 *
 * Policy is asked for every step at once, so a slow engine costs one timeout
 * per request, not one per action.
 */
export async function governActions(input: GovernInput, deps: GovernDeps): Promise<Governed> {
  const at = input.now.toISOString();
  const window = deps.policyEngine.blastRadiusWindowSec ?? DEFAULT_BLAST_RADIUS_WINDOW_SEC;
  const since = new Date(input.now.getTime() - window * 1000).toISOString();
  const actor = input.principal.keyId ?? input.principal.role;
  const tenant = input.principal.tenant;

  const verdicts = await Promise.all(
    input.steps.map(async (step) => {
      const actuator = deps.actuators.get(step.plugin);
      const blocked =
        step.invalid ??
        (!actuator?.configured
          ? `plugin ${step.plugin} is not configured`
          : (actuator.unavailable?.(step.operation, step.params) ?? null));
      if (blocked) return { blocked, verdict: null };
      let recentExecutions: number;
      try {
        recentExecutions = await deps.countExecutions(step.target, since);
      } catch {
        // Without the history the blast radius cannot be checked: fail closed.
        return {
          blocked: null,
          verdict: {
            decision: 'denied',
            reasons: ['blast radius unknown: the store did not answer'],
          },
        } as const;
      }
      const verdict = await decide(
        deps.policyEngine,
        {
          action: {
            plugin: step.plugin,
            operation: step.operation,
            params: step.params,
            risk: step.risk,
            target: step.target,
            recentExecutions,
          },
          incident: {
            category: input.category,
            confidence: input.confidence,
            learned: input.learned,
          },
          context: input.context,
          principal: input.principal,
          mode: input.mode,
          phase: 'plan',
        },
        deps.onPolicyDecision,
      );
      return { blocked: null, verdict };
    }),
  );

  const governed: Governed = { actions: [], records: [], audit: [] };
  const maxExecutions = deps.policyEngine.blastRadiusMaxExecutions ?? null;
  for (const [i, step] of input.steps.entries()) {
    const { blocked, verdict } = verdicts[i]!;
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
    const audit = { at, actor, tenant, subject: action.actionId };
    // The audit entries of this action, written out for the same reason as `record`.
    const entry = (
      event: string,
      decision: string,
      reasons: string[],
      result: string,
    ): AuditEntry => ({
      at,
      actor,
      tenant,
      subject: action.actionId,
      event,
      decision,
      reasons,
      result,
    });
    // A snapshot of the action as it stands: later steps change its scalar
    // fields and its reasons, never its params (structuredClone here cost
    // more than the rest of governance). Written out field by field, in the
    // order a spread gave: on Node 20 `{ ...action, more }` costs microseconds
    // per added field, which made this the largest item of planning.
    const record = (expiresAt: string | null, executedAt: string | null): ActionRecord => ({
      actionId: action.actionId,
      plugin: action.plugin,
      operation: action.operation,
      params: action.params,
      risk: action.risk,
      description: action.description,
      decision: action.decision,
      reasons: [...action.reasons],
      status: action.status,
      incidentId: input.incidentId,
      tenant,
      target: step.target,
      createdAt: at,
      updatedAt: at,
      decidedBy: null,
      expiresAt,
      executedAt,
      review: {
        category: input.category,
        confidence: input.confidence,
        learned: input.learned,
        context: { ...input.context },
        mode: input.mode,
        requestedBy: input.principal,
      },
    });
    if (blocked || !verdict) {
      action.reasons.push(blocked ?? POLICY_UNAVAILABLE);
      governed.audit.push(entry('action.blocked', 'denied', [...action.reasons], action.status));
      governed.actions.push(action);
      governed.records.push(record(null, null));
      continue;
    }
    action.decision = verdict.decision;
    action.reasons.push(...verdict.reasons);
    let expiresAt: string | null = null;
    const execute =
      input.mode === 'auto' &&
      input.autoRemediationAllowed &&
      input.executionEnabled &&
      verdict.decision === 'allowed';
    if (input.mode === 'auto') {
      if (!input.autoRemediationAllowed) action.reasons.push(NOT_LICENSED);
      else if (!input.executionEnabled) action.reasons.push(EXECUTION_DISABLED);
      else if (verdict.decision === 'approval_required') {
        action.status = 'pending_approval';
        expiresAt = new Date(input.now.getTime() + input.approvalTtlSec * 1000).toISOString();
      }
    }
    governed.audit.push(
      entry(
        'policy.decision',
        verdict.decision,
        [...action.reasons],
        execute ? 'executing' : action.status,
      ),
    );
    if (!execute) {
      governed.actions.push(action);
      governed.records.push(record(expiresAt, null));
      continue;
    }

    // Policy counted the executions a moment ago, as other requests may have
    // too: the slot taken here, atomically in the store, is what holds the
    // limit. The action is stored with it, marked as executing, so a crash
    // before its outcome is written leaves a claim for recovery to find.
    const claimed = record(null, at);
    claimed.status = 'failed';
    claimed.error = EXECUTING;
    let reserved: boolean;
    let unknown = false;
    try {
      reserved = await deps.reserveExecution(claimed, since, maxExecutions);
    } catch {
      reserved = false;
      unknown = true;
    }
    if (!reserved) {
      const executions = unknown
        ? null
        : await deps.countExecutions(step.target, since).catch(() => null);
      action.decision = 'denied';
      action.status = 'skipped';
      action.reasons = [
        executions === null
          ? 'blast radius unknown: the store did not answer'
          : blastRadiusReached(executions, step.target, window, maxExecutions ?? executions),
      ];
      governed.audit.push(entry('action.skipped', 'denied', [...action.reasons], 'skipped'));
      governed.actions.push(action);
      governed.records.push(record(null, null));
      continue;
    }
    const actuator = deps.actuators.get(step.plugin)!;
    const result = await runActuator(actuator, action, deps.secrets);
    action.status = result.ok ? 'executed' : 'failed';
    if (result.output !== undefined) action.output = result.output;
    if (result.error !== undefined) action.error = result.error;
    await deps.finishExecution(action.actionId, {
      status: action.status,
      output: action.output ?? null,
      error: action.error ?? null,
      executor: null,
    });
    governed.audit.push(
      executionAudit(audit, {
        ok: action.status === 'executed',
        output: action.output,
        error: action.error,
      }),
    );
    governed.actions.push(action);
  }
  return governed;
}
