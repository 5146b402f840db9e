import type { ActionChange, ActionRecord } from '../domain/actions.js';
import type { ActionStatus, Page } from '../domain/types.js';
import type { AuditEntry } from './knowledge-store.js';

/** Filters for listing actions. `tenant: null` means every tenant (admin view). */
export interface ActionQuery {
  tenant: string | null;
  status?: ActionStatus | undefined;
  /** Only the actions of this incident. */
  incidentId?: string | undefined;
  /** Only actions whose approval expires at or before this instant (ISO-8601). */
  expiresBefore?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface ExecutionCountQuery {
  tenant: string;
  target: string;
  /** ISO-8601, inclusive. */
  since: string;
}

/**
 * One execution slot of a target's blast radius, asked for just before an
 * action runs.
 */
export interface ExecutionReservation {
  /**
   * Auto mode: the action itself, stored together with its slot (nothing is
   * stored when no slot is free). Approval: the id of the stored action,
   * which must hold no slot yet.
   */
  action: ActionRecord | string;
  tenant: string;
  target: string;
  /** ISO-8601, inclusive: the start of the blast-radius window. */
  since: string;
  /** At most this many actions of the tenant and target may hold a slot since `since`; null: no limit. */
  limit: number | null;
  /** ISO-8601: when the slot is taken; it becomes the action's `executedAt`. */
  at: string;
  /**
   * Who runs it (an id of this process). The action stays marked as executing
   * by it until its outcome is written with `executor: null`.
   */
  executor: string;
}

/**
 * Actions whose execution claim is still held (no outcome written yet): the
 * claims of `executor`, whatever their age, and the claims of anyone whose
 * action was last updated at or before `updatedBefore`. Neither: every claim.
 */
export interface ExecutingQuery {
  executor?: string | undefined;
  updatedBefore?: string | undefined;
  limit: number;
}

/** Filters for listing the audit log. `tenant: null` means every tenant. */
export interface AuditQuery {
  tenant: string | null;
  limit: number;
  cursor?: string | undefined;
}

/**
 * The governed actions and the audit log, as the knowledge store keeps them:
 * pending approvals survive restarts and are shared by replicas.
 */
export interface ActionStore {
  /** Stores newly planned actions; their incident is already stored. */
  saveActions(actions: readonly ActionRecord[]): Promise<void>;
  /** `tenant: null` looks across tenants (admin). */
  getAction(actionId: string, tenant: string | null): Promise<ActionRecord | null>;
  /** Newest first. */
  listActions(query: ActionQuery): Promise<Page<ActionRecord>>;
  /**
   * Applies `change` in one atomic step, only while the action's status is
   * `expected` (compare-and-set): of concurrent callers exactly one gets the
   * updated action and the others null, on every replica. `expected` null
   * changes it whatever its status. Null too when no action has the id.
   */
  updateAction(
    actionId: string,
    change: ActionChange,
    expected: ActionStatus | null,
  ): Promise<ActionRecord | null>;
  /** Actions of the tenant on the target executed at or after `since` (the blast radius). */
  countExecutions(query: ExecutionCountQuery): Promise<number>;
  /**
   * Takes one of the target's execution slots for an action, in one atomic
   * step across requests and replicas: only while fewer than `limit` actions
   * of the tenant and target hold one (their `executedAt` is at or after
   * `since`: executed, or executing now). The slot is the action's
   * `executedAt`, so it counts in `countExecutions`; a slot given up without
   * running (`executedAt: null`) stops counting, and any slot stops counting
   * once the window passes it. With a record, the action is inserted with its
   * slot and marked as executing; with an id, the stored action takes the slot
   * (its claim was taken with `updateAction`). True when the slot was taken.
   */
  reserveExecution(reservation: ExecutionReservation): Promise<boolean>;
  /** Actions still marked as executing, with who claimed them, oldest update first. */
  listExecuting(query: ExecutingQuery): Promise<Array<{ action: ActionRecord; executor: string }>>;
  /**
   * Applies `change` only while `executor` still holds the action's execution
   * claim (compare-and-set on the claim; recovery of interrupted executions).
   * `change.executor` should be null to end the claim.
   */
  endExecutionClaim(
    actionId: string,
    executor: string,
    change: ActionChange,
  ): Promise<ActionRecord | null>;
  /** Newest first. */
  listAudit(query: AuditQuery): Promise<Page<AuditEntry>>;
}
