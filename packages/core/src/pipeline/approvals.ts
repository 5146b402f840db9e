import type { ActionChange, ActionRecord } from '../domain/actions.js';
import { ActionNotPendingError, NotFoundError } from '../domain/errors.js';
import type { Decision, Principal } from '../domain/types.js';
import { blastRadiusReached } from '../policy/policy-rules.js';
import type { ActionStore } from '../ports/action-store.js';
import type { Actuator } from '../ports/actuator.js';
import type { Clock } from '../ports/clock.js';
import type { AuditEntry } from '../ports/knowledge-store.js';
import type { PolicyEngine } from '../ports/policy-engine.js';
import type { SecretStore } from '../ports/secret-store.js';
import { executionAudit, runActuator } from './act.js';
import {
  DEFAULT_BLAST_RADIUS_WINDOW_SEC,
  decide,
  EXECUTION_DISABLED,
  NOT_LICENSED,
} from './govern.js';

export interface ApprovalDeps {
  store: ActionStore & { appendAudit(entry: AuditEntry): Promise<void> };
  policyEngine: PolicyEngine;
  actuators: ReadonlyMap<string, Actuator>;
  secrets?: SecretStore | undefined;
  clock: Clock;
  /** Names this process in the execution claims it takes (see `recoverInterruptedExecutions`). */
  executor: string;
  executionEnabled: boolean;
  /** Asked at approval time: the licence may have changed since the action was planned. */
  autoRemediationAllowed(): Promise<boolean>;
  onPolicyDecision?: ((engine: string, decision: Decision) => void) | undefined;
  onActionFinished?: ((action: ActionRecord) => void) | undefined;
}

/** What a claimed action shows until its execution records a result (a crash leaves it so). */
const IN_PROGRESS = 'approved; execution started and recorded no result';
const EXPIRED = 'approval expired';
/** The outcome of an execution whose process stopped after it started. */
export const INTERRUPTED =
  'interrupted: the server stopped during execution; the outcome is unknown, check the target before retrying';
/** A claimed action whose process stopped before it ran. */
export const INTERRUPTED_BEFORE_RUNNING =
  'interrupted: the server stopped before execution started; nothing ran';

/**
 * Approves a pending action and runs it, exactly once however many approvals
 * arrive together: the first atomic claim wins (compare-and-set on the
 * status, in the store), the others answer `action_not_pending`. The claimer
 * then checks again what may have changed since planning: the licence,
 * `EXECUTION_ENABLED`, the actuator, and policy with the blast radius as it
 * stands now. A denial leaves the action `skipped` with the reasons.
 */
export async function approveAction(
  actionId: string,
  approver: Principal,
  deps: ApprovalDeps,
): Promise<ActionRecord> {
  const pending = await pendingAction(actionId, approver, deps);
  const now = deps.clock.now();
  const by = approver.keyId ?? approver.role;
  const claimed = await deps.store.updateAction(
    actionId,
    {
      status: 'failed',
      error: IN_PROGRESS,
      decidedBy: by,
      updatedAt: now.toISOString(),
      executor: deps.executor,
    },
    'pending_approval',
  );
  if (!claimed) throw notPending(actionId, 'it was decided by another request');
  const audit = { actor: by, tenant: claimed.tenant, subject: actionId };
  await deps.store.appendAudit({
    ...audit,
    at: now.toISOString(),
    event: 'action.approved',
    decision: claimed.decision,
    reasons: [...claimed.reasons],
    result: 'approved',
  });

  const skip = async (reasons: string[], decision = pending.decision) => {
    const at = deps.clock.now().toISOString();
    const skipped = await finish(deps, actionId, {
      status: 'skipped',
      decision,
      reasons: [...pending.reasons, ...reasons],
      error: null,
      updatedAt: at,
      executor: null,
    });
    await deps.store.appendAudit({
      ...audit,
      at,
      event: 'action.skipped',
      decision,
      reasons,
      result: 'skipped',
    });
    return skipped;
  };

  if (!(await deps.autoRemediationAllowed().catch(() => false))) return skip([NOT_LICENSED]);
  if (!deps.executionEnabled) return skip([EXECUTION_DISABLED]);
  const actuator = deps.actuators.get(claimed.plugin);
  const unavailable = !actuator?.configured
    ? `plugin ${claimed.plugin} is not configured`
    : actuator.unavailable?.(claimed.operation, claimed.params);
  if (!actuator || unavailable) return skip([unavailable ?? 'not configured'], 'denied');

  const window = deps.policyEngine.blastRadiusWindowSec ?? DEFAULT_BLAST_RADIUS_WINDOW_SEC;
  const since = new Date(now.getTime() - window * 1000).toISOString();
  let recentExecutions: number;
  try {
    recentExecutions = await deps.store.countExecutions({
      tenant: claimed.tenant,
      target: claimed.target,
      since,
    });
  } catch {
    return skip(['blast radius unknown: the store did not answer'], 'denied');
  }
  const verdict = await decide(
    deps.policyEngine,
    {
      action: {
        plugin: claimed.plugin,
        operation: claimed.operation,
        params: claimed.params,
        risk: claimed.risk,
        target: claimed.target,
        recentExecutions,
      },
      incident: {
        category: claimed.review.category,
        confidence: claimed.review.confidence,
        learned: claimed.review.learned,
      },
      context: claimed.review.context,
      principal: approver,
      mode: 'auto',
      phase: 'approval',
    },
    deps.onPolicyDecision,
  );
  await deps.store.appendAudit({
    ...audit,
    at: deps.clock.now().toISOString(),
    event: 'policy.decision',
    decision: verdict.decision,
    reasons: verdict.reasons,
    result: verdict.decision === 'denied' ? 'skipped' : 'executing',
  });
  // The approval is what `approval_required` asked for; a denial still stops it.
  if (verdict.decision === 'denied') return skip(verdict.reasons, 'denied');

  // Policy saw the count of a moment ago, as concurrent approvals and auto
  // requests did: the slot taken here, atomically in the store, holds the limit.
  const max = deps.policyEngine.blastRadiusMaxExecutions ?? null;
  const startedAt = deps.clock.now().toISOString();
  let reserved: boolean;
  try {
    reserved = await deps.store.reserveExecution({
      action: actionId,
      tenant: claimed.tenant,
      target: claimed.target,
      since,
      limit: max,
      at: startedAt,
      executor: deps.executor,
    });
  } catch {
    return skip(['blast radius unknown: the store did not answer'], 'denied');
  }
  if (!reserved) {
    const executions = await deps.store
      .countExecutions({ tenant: claimed.tenant, target: claimed.target, since })
      .catch(() => max ?? 0);
    return skip(
      [blastRadiusReached(executions, claimed.target, window, max ?? executions)],
      'denied',
    );
  }
  const result = await runActuator(actuator, claimed, deps.secrets);
  const at = deps.clock.now().toISOString();
  const done = await finish(deps, actionId, {
    status: result.ok ? 'executed' : 'failed',
    output: result.output ?? null,
    error: result.ok ? null : (result.error ?? 'unknown error'),
    updatedAt: at,
    executor: null,
  });
  await deps.store.appendAudit(executionAudit({ ...audit, at }, result));
  return done;
}

/** Closes a pending action without running it, exactly once (see `approveAction`). */
export async function rejectAction(
  actionId: string,
  rejecter: Principal,
  reason: string | undefined,
  deps: ApprovalDeps,
): Promise<ActionRecord> {
  const pending = await pendingAction(actionId, rejecter, deps);
  const at = deps.clock.now().toISOString();
  const by = rejecter.keyId ?? rejecter.role;
  const note = `rejected by ${by}${reason ? `: ${reason}` : ''}`;
  const rejected = await deps.store.updateAction(
    actionId,
    { status: 'rejected', reasons: [...pending.reasons, note], decidedBy: by, updatedAt: at },
    'pending_approval',
  );
  if (!rejected) throw notPending(actionId, 'it was decided by another request');
  await deps.store.appendAudit({
    at,
    actor: by,
    tenant: rejected.tenant,
    event: 'action.rejected',
    subject: actionId,
    decision: rejected.decision,
    reasons: reason ? [reason] : [],
    result: 'rejected',
  });
  deps.onActionFinished?.(rejected);
  return rejected;
}

/**
 * Marks every pending approval past its expiry `skipped` ("approval
 * expired"). Each is its own compare-and-set, so an approval racing the
 * expiry either runs or expires, never both. Returns how many expired.
 */
export async function expireApprovals(deps: ApprovalDeps, tenant: string | null): Promise<number> {
  const now = deps.clock.now().toISOString();
  let expired = 0;
  for (;;) {
    const page = await deps.store.listActions({
      tenant,
      status: 'pending_approval',
      expiresBefore: now,
      limit: 100,
    });
    let progressed = false;
    for (const action of page.items) {
      if (await expire(deps, action, now)) {
        expired++;
        progressed = true;
      }
    }
    if (page.nextCursor === null || !progressed) return expired;
  }
}

/**
 * Ends the execution claims whose process stopped before writing an outcome:
 * each such action becomes `failed` with why (it may or may not have run when
 * it holds an execution slot, which it keeps: it counts towards the blast
 * radius; it never ran when it holds none), audited as `action.interrupted`.
 * Each is a compare-and-set on the claim, so an outcome written meanwhile
 * stays. `executor`: that process's claims, whatever their age (it is
 * starting, so none of them is running); `updatedBefore`: anyone's claim not
 * updated since then. Returns how many were ended.
 */
export async function recoverInterruptedExecutions(
  deps: ApprovalDeps,
  query: { executor?: string | undefined; updatedBefore: string },
): Promise<number> {
  let recovered = 0;
  for (;;) {
    const claims = await deps.store.listExecuting({ ...query, limit: 100 });
    let progressed = false;
    for (const { action, executor } of claims) {
      const at = deps.clock.now().toISOString();
      const error = action.executedAt === null ? INTERRUPTED_BEFORE_RUNNING : INTERRUPTED;
      const ended = await deps.store.endExecutionClaim(action.actionId, executor, {
        status: 'failed',
        error,
        output: null,
        updatedAt: at,
        executor: null,
      });
      if (!ended) continue;
      recovered++;
      progressed = true;
      await deps.store.appendAudit({
        at,
        actor: 'system',
        tenant: action.tenant,
        event: 'action.interrupted',
        subject: action.actionId,
        decision: action.decision,
        reasons: [`claimed by ${executor}`],
        result: `failed: ${error}`,
      });
      deps.onActionFinished?.(ended);
    }
    if (claims.length < 100 || !progressed) return recovered;
  }
}

/** The action, if it is still pending (expiring it when its time is up). */
async function pendingAction(
  actionId: string,
  principal: Principal,
  deps: ApprovalDeps,
): Promise<ActionRecord> {
  const scope = principal.role === 'admin' ? null : principal.tenant;
  const action = await deps.store.getAction(actionId, scope);
  if (!action) throw new NotFoundError(`action "${actionId}" not found`);
  if (action.status !== 'pending_approval') {
    throw notPending(actionId, `its status is ${action.status}`);
  }
  const now = deps.clock.now().toISOString();
  if (action.expiresAt !== null && action.expiresAt <= now) {
    await expire(deps, action, now);
    throw notPending(actionId, `its approval expired at ${action.expiresAt}`);
  }
  return action;
}

async function expire(deps: ApprovalDeps, action: ActionRecord, at: string): Promise<boolean> {
  const expired = await deps.store.updateAction(
    action.actionId,
    { status: 'skipped', reasons: [...action.reasons, EXPIRED], updatedAt: at },
    'pending_approval',
  );
  if (!expired) return false;
  await deps.store.appendAudit({
    at,
    actor: 'system',
    tenant: action.tenant,
    event: 'action.expired',
    subject: action.actionId,
    decision: action.decision,
    reasons: [EXPIRED],
    result: 'skipped',
  });
  deps.onActionFinished?.(expired);
  return true;
}

async function finish(
  deps: ApprovalDeps,
  actionId: string,
  change: ActionChange,
): Promise<ActionRecord> {
  const done = await deps.store.updateAction(actionId, change, null);
  if (!done) throw new NotFoundError(`action "${actionId}" not found`);
  deps.onActionFinished?.(done);
  return done;
}

function notPending(actionId: string, why: string): ActionNotPendingError {
  return new ActionNotPendingError(`action "${actionId}" is not pending approval: ${why}`);
}
