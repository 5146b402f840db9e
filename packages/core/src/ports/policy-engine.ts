import type { Category } from '../domain/categories.js';
import type { Decision, IncidentContext, Mode, Principal, Risk } from '../domain/types.js';

export interface PolicyInput {
  action: {
    plugin: string;
    operation: string;
    params: Record<string, unknown>;
    risk: Risk;
    /** What the action acts on (`plugin.operation@namespace/service`): the blast-radius key. */
    target: string;
    /** Executions of this target in the tenant within the engine's blast-radius window. */
    recentExecutions: number;
  };
  incident: {
    category: Category;
    confidence: number;
    /** True when the category came from a learned pattern rather than observed evidence. */
    learned: boolean;
  };
  context: IncidentContext;
  principal: Principal;
  mode: Mode;
  /** `plan` when the action is first governed, `approval` when an operator approves it. */
  phase: 'plan' | 'approval';
}

export interface PolicyDecision {
  decision: Decision;
  reasons: string[];
}

/** Decides whether one planned action may run. Must fail closed (deny) when it cannot decide. */
export interface PolicyEngine {
  /** Bounded label for metrics: `builtin`, `opa`, ... */
  readonly name: string;
  /** The window `recentExecutions` is counted over (default one hour). */
  readonly blastRadiusWindowSec?: number | undefined;
  /**
   * At most this many executions per target and window. When the engine
   * names it, an execution also needs one of these slots, taken atomically in
   * the store just before it runs, so concurrent requests and replicas cannot
   * pass the limit together; without it only the engine's decision counts.
   */
  readonly blastRadiusMaxExecutions?: number | undefined;
  decide(input: PolicyInput): Promise<PolicyDecision>;
}
