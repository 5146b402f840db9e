import type { Category } from './categories.js';
import type {
  ActionStatus,
  Decision,
  IncidentContext,
  Mode,
  PlannedAction,
  Principal,
} from './types.js';

/** What policy is asked again when an operator approves a pending action. */
export interface ActionReview {
  category: Category;
  confidence: number;
  learned: boolean;
  context: IncidentContext;
  mode: Mode;
  /** Who sent the log that planned it. */
  requestedBy: Principal;
}

/** A planned action as the store keeps it: the approvals queue and the blast-radius history. */
export interface ActionRecord extends PlannedAction {
  incidentId: string;
  tenant: string;
  /** What it acts on (`plugin.operation@namespace/workload`): the blast-radius key. */
  target: string;
  /** ISO-8601. */
  createdAt: string;
  updatedAt: string;
  /** Key id of the operator who approved or rejected it. */
  decidedBy: string | null;
  /** A pending approval expires at this instant (`APPROVAL_TTL_SEC` after it was planned). */
  expiresAt: string | null;
  /** When it was executed; executions count towards the blast radius. */
  executedAt: string | null;
  review: ActionReview;
}

/** A change to a stored action. Absent fields keep their value. */
export interface ActionChange {
  status: ActionStatus;
  updatedAt: string;
  decision?: Decision | undefined;
  reasons?: string[] | undefined;
  output?: string | null | undefined;
  error?: string | null | undefined;
  decidedBy?: string | null | undefined;
  executedAt?: string | null | undefined;
  /**
   * Internal, never on the wire: the process holding the action's execution
   * claim (set when it is claimed to run, null once its outcome is written).
   * A claim left set by a process that stopped is an interrupted execution.
   */
  executor?: string | null | undefined;
}
