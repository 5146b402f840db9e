import type { Category } from '../domain/categories.js';
import type { Decision, IncidentContext, Mode, Principal, Risk } from '../domain/types.js';

export interface PolicyInput {
  action: {
    plugin: string;
    operation: string;
    params: Record<string, unknown>;
    risk: Risk;
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
}

export interface PolicyDecision {
  decision: Decision;
  reasons: string[];
}

/** Decides whether one planned action may run. Must fail closed (deny) when it cannot decide. */
export interface PolicyEngine {
  /** Bounded label for metrics: `builtin`, `opa`, ... */
  readonly name: string;
  decide(input: PolicyInput): Promise<PolicyDecision>;
}
