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
  /** Newest first. */
  listAudit(query: AuditQuery): Promise<Page<AuditEntry>>;
}
