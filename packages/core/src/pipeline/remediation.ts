import type { ActionRecord } from '../domain/actions.js';
import type { Category } from '../domain/categories.js';
import type {
  ActionStatus,
  AnalysisResult,
  Decision,
  Evidence,
  IncidentContext,
  Mode,
  Page,
  PlannedAction,
  Principal,
  StoredIncident,
} from '../domain/types.js';
import { DEFAULT_ALLOWED_PATH_ROOTS } from '../playbooks/plugin-catalog.js';
import type { ActionStore } from '../ports/action-store.js';
import type { Actuator } from '../ports/actuator.js';
import type { Clock } from '../ports/clock.js';
import type { AuditEntry, GovernedPlan, VoteTally } from '../ports/knowledge-store.js';
import type { PolicyEngine } from '../ports/policy-engine.js';
import type { SecretStore } from '../ports/secret-store.js';
import type { Entities } from '../signals/extract-entities.js';
import {
  type ApprovalDeps,
  approveAction,
  expireApprovals,
  recoverInterruptedExecutions,
  rejectAction,
} from './approvals.js';
import { governActions } from './govern.js';
import { planActions } from './plan.js';

export interface RemediationOptions {
  store: ActionStore & {
    appendAudit(entry: AuditEntry): Promise<void>;
    listVotes(category: Category | null): Promise<VoteTally[]>;
    savePlan(plan: GovernedPlan): Promise<void>;
  };
  policyEngine: PolicyEngine;
  actuators: ReadonlyMap<string, Actuator>;
  secrets: SecretStore;
  clock: Clock;
  newId: () => string;
  executionEnabled: boolean;
  /** Pending approvals expire this long after they are planned (default one day). */
  approvalTtlSec?: number | undefined;
  /** Whether the licence grants `auto_remediation`; asked per request and per approval. */
  autoRemediationAllowed?: (() => Promise<boolean>) | undefined;
  /** Directories a path taken from a log may point into. */
  allowedPathRoots?: readonly string[] | undefined;
  onPolicyDecision?: ((engine: string, decision: Decision) => void) | undefined;
  /** An action changed after its request answered (approved, rejected, expired). */
  onActionUpdated?: ((action: ActionRecord) => void) | undefined;
  /**
   * Names this process in the execution claims it holds (default `agent`).
   * Give each process sharing a store its own, stable across its restarts:
   * on start-up its claims left from before are interrupted executions.
   */
  executorId?: string | undefined;
  /**
   * A claim of any process not updated for this long is an interrupted
   * execution too (its process is gone): longer than any execution may take.
   * Default 15 minutes.
   */
  interruptedAfterSec?: number | undefined;
}

export interface RemediateInput {
  incidentId: string;
  category: Category;
  confidence: number;
  learned: boolean;
  mode: Mode;
  context: IncidentContext;
  principal: Principal;
  entities: Entities;
  summary: string;
  evidence: readonly Evidence[];
  /**
   * The incident's result with the governed actions in it, stored with them
   * in the same write (one write per planned incident, not two).
   */
  resultWith?: ((actions: PlannedAction[]) => AnalysisResult) | undefined;
}

export interface ActionListQuery {
  status?: ActionStatus | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Plan, govern, act and record for one incident; approvals and the audit log afterwards. */
export interface Remediation {
  remediate(
    input: RemediateInput,
    stage: <T>(name: string, run: () => Promise<T>) => Promise<T>,
  ): Promise<PlannedAction[]>;
  listActions(query: ActionListQuery, principal: Principal): Promise<Page<ActionRecord>>;
  approve(actionId: string, principal: Principal): Promise<ActionRecord>;
  reject(actionId: string, principal: Principal, reason?: string): Promise<ActionRecord>;
  listAudit(
    query: { limit: number; cursor?: string | undefined },
    principal: Principal,
  ): Promise<Page<AuditEntry>>;
  /** The incident with its actions as they stand now (approved, rejected, expired since). */
  withCurrentActions(incident: StoredIncident): Promise<StoredIncident>;
  /** Closes every pending approval past its expiry (each audited); how many expired. */
  expireApprovals(): Promise<number>;
  /**
   * Marks `failed` every execution whose outcome was never written because
   * its process stopped (each audited): this process's own claims left from
   * before a restart (`startup`), and anyone's claim older than
   * `interruptedAfterSec`. Returns how many.
   */
  recoverInterruptedExecutions(options: { startup: boolean }): Promise<number>;
}

export function createRemediation(options: RemediationOptions): Remediation {
  const { store, clock } = options;
  const approvalTtlSec = options.approvalTtlSec ?? 86_400;
  const allowed = options.autoRemediationAllowed ?? (async () => true);
  const roots = options.allowedPathRoots ?? DEFAULT_ALLOWED_PATH_ROOTS;
  const executor = options.executorId ?? 'agent';
  const interruptedAfterSec = options.interruptedAfterSec ?? DEFAULT_INTERRUPTED_AFTER_SEC;
  const approvalDeps: ApprovalDeps = {
    executor,
    store,
    policyEngine: options.policyEngine,
    actuators: options.actuators,
    secrets: options.secrets,
    clock,
    executionEnabled: options.executionEnabled,
    autoRemediationAllowed: allowed,
    onPolicyDecision: options.onPolicyDecision,
    onActionFinished: options.onActionUpdated,
  };

  return {
    async remediate(input, stage) {
      const votes = await store.listVotes(input.category);
      const path = pathEntity(input.category, input.evidence);
      const steps = await stage('plan', async () =>
        planActions({
          category: input.category,
          entities: path === undefined ? input.entities : { ...input.entities, path },
          summary: input.summary,
          votes,
          scope: { namespace: input.context.namespace, allowedPathRoots: roots },
        }),
      );
      if (steps.length === 0) return [];
      const autoRemediationAllowed =
        input.mode === 'auto' ? await allowed().catch(() => false) : true;
      const governed = await stage('govern', () =>
        governActions(
          {
            steps,
            mode: input.mode,
            incidentId: input.incidentId,
            category: input.category,
            confidence: input.confidence,
            learned: input.learned,
            context: input.context,
            principal: input.principal,
            executionEnabled: options.executionEnabled,
            autoRemediationAllowed,
            now: clock.now(),
            approvalTtlSec,
            newId: options.newId,
          },
          {
            policyEngine: options.policyEngine,
            actuators: options.actuators,
            secrets: options.secrets,
            countExecutions: (target, since) =>
              store.countExecutions({ tenant: input.principal.tenant, target, since }),
            reserveExecution: (action, since, limit) =>
              store.reserveExecution({
                action,
                tenant: action.tenant,
                target: action.target,
                since,
                limit,
                at: action.executedAt ?? clock.now().toISOString(),
                executor,
              }),
            finishExecution: async (actionId, change) => {
              await store.updateAction(
                actionId,
                { ...change, updatedAt: clock.now().toISOString() },
                null,
              );
            },
            onPolicyDecision: options.onPolicyDecision,
          },
        ),
      );
      await stage('record', () =>
        store.savePlan({
          incidentId: input.incidentId,
          actions: governed.records,
          audit: governed.audit,
          result: input.resultWith?.(governed.actions),
        }),
      );
      return governed.actions;
    },

    async listActions(query, principal) {
      const tenant = scopeOf(principal);
      // Expired approvals are closed before anyone sees them as pending.
      await expireApprovals(approvalDeps, tenant);
      return store.listActions({ ...query, tenant });
    },

    approve: (actionId, principal) => approveAction(actionId, principal, approvalDeps),
    reject: (actionId, principal, reason) =>
      rejectAction(actionId, principal, reason, approvalDeps),
    listAudit: (query, principal) => store.listAudit({ ...query, tenant: scopeOf(principal) }),

    expireApprovals: () => expireApprovals(approvalDeps, null),

    recoverInterruptedExecutions: ({ startup }) =>
      recoverInterruptedExecutions(approvalDeps, {
        executor: startup ? executor : undefined,
        updatedBefore: new Date(clock.now().getTime() - interruptedAfterSec * 1000).toISOString(),
      }),

    async withCurrentActions(incident) {
      const planned = incident.result.actions;
      if (planned.length === 0) return incident;
      const page = await store.listActions({
        tenant: incident.tenant,
        incidentId: incident.incidentId,
        limit: 200,
      });
      const current = new Map(page.items.map((a) => [a.actionId, a]));
      const actions = planned.map((action) => {
        const now = current.get(action.actionId);
        if (!now) return action;
        const merged: PlannedAction = {
          ...action,
          decision: now.decision,
          reasons: now.reasons,
          status: now.status,
        };
        delete merged.output;
        delete merged.error;
        if (now.output !== undefined) merged.output = now.output;
        if (now.error !== undefined) merged.error = now.error;
        return merged;
      });
      return { ...incident, result: { ...incident.result, actions } };
    },
  };
}

/** How long a claim may go without an update before it counts as interrupted. */
export const DEFAULT_INTERRUPTED_AFTER_SEC = 15 * 60;

function scopeOf(principal: Principal): string | null {
  return principal.role === 'admin' ? null : principal.tenant;
}

// An absolute path with at least two segments, not part of a URL ("GET /api/x").
const PATH_IN_TEXT = /(?<![\w.:/-])(\/(?:[A-Za-z0-9._@+-]+\/)+[A-Za-z0-9._@+-]*)/;

/**
 * The filesystem path a disk or file failure names, from the evidence of
 * that category. Only for categories whose playbooks take a path; a URL
 * path in a request line is not a file.
 */
export function pathEntity(category: Category, evidence: readonly Evidence[]): string | undefined {
  if (category !== 'disk_full' && category !== 'file_not_found') return undefined;
  for (const e of evidence) {
    if (e.category !== category) continue;
    const found = PATH_IN_TEXT.exec(e.text)?.[1];
    if (
      found &&
      !/\b(?:GET|POST|PUT|DELETE|PATCH|HEAD)\s+$/.test(e.text.slice(0, e.text.indexOf(found)))
    ) {
      return found.length > 1 && found.endsWith('/') ? found.slice(0, -1) : found;
    }
  }
  return undefined;
}
