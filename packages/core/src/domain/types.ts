import type { Category } from './categories.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const MODES = ['safe', 'auto'] as const;
export type Mode = (typeof MODES)[number];

export const STRATEGIES = ['reflective', 'classic', 'llm'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const RISKS = ['low', 'medium', 'high'] as const;
export type Risk = (typeof RISKS)[number];

export const DECISIONS = ['allowed', 'denied', 'approval_required'] as const;
export type Decision = (typeof DECISIONS)[number];

export const ACTION_STATUSES = [
  'dry_run',
  'executed',
  'failed',
  'pending_approval',
  'rejected',
  'skipped',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const TRACE_PHASES = ['observe', 'hypothesize', 'evaluate', 'reflect', 'decide'] as const;
export type TracePhase = (typeof TRACE_PHASES)[number];

export type Role = 'anonymous' | 'user' | 'admin';

/** Who is asking. Tenant-scoped data is only visible inside its tenant (admins see all). */
export interface Principal {
  /** Short, non-secret id of the key (a digest prefix); null when anonymous. */
  readonly keyId: string | null;
  readonly tenant: string;
  readonly role: Role;
}

export const ANONYMOUS: Principal = Object.freeze({
  keyId: null,
  tenant: 'default',
  role: 'anonymous',
});

export interface IncidentContext {
  service?: string | undefined;
  namespace?: string | undefined;
  environment?: string | undefined;
  host?: string | undefined;
}

export interface LlmOptions {
  strategy?: Strategy | undefined;
  model?: string | undefined;
  temperature?: number | undefined;
}

export interface ProcessLogInput {
  log: string;
  mode?: Mode | undefined;
  includeTrace?: boolean | undefined;
  llmConfig?: LlmOptions | undefined;
  context?: IncidentContext | undefined;
  principal?: Principal | undefined;
  /** Called with each reasoning step as it is recorded (WebSocket streaming). */
  onTrace?: ((step: TraceStep) => void) | undefined;
}

export interface Evidence {
  /** 1-based line number in the submitted log. */
  line: number;
  text: string;
  category: Category;
  weight: number;
  /** Set on evidence that comes from a learned pattern: the incident whose feedback taught it. */
  learnedFrom?: string | undefined;
}

export interface TemplateCount {
  templateId: string;
  template: string;
  count: number;
}

export interface SimilarIncident {
  incidentId: string;
  /** What it was: the category operators corrected it to, else the diagnosed one. */
  category: Category;
  seenAt: string;
  /** From feedback; null when nobody said. */
  resolved: boolean | null;
  /** How it was resolved (an action reported successful), when feedback said. */
  resolution?: string | null | undefined;
}

export interface PlannedAction {
  actionId: string;
  plugin: string;
  operation: string;
  params: Record<string, unknown>;
  risk: Risk;
  description: string;
  decision: Decision;
  reasons: string[];
  status: ActionStatus;
  output?: string | undefined;
  error?: string | undefined;
}

export interface TraceStep {
  cycle: number;
  phase: TracePhase;
  message: string;
  score?: number | undefined;
}

export interface Reasoning {
  strategy: Strategy;
  cycles: number;
  score: number;
  target: number;
  trace: TraceStep[];
}

/** The diagnosis of one log: the contract's process_log response, camelCase. */
export interface AnalysisResult {
  incidentId: string;
  category: Category;
  severity: Severity;
  confidence: number;
  summary: string;
  rootCause: string;
  evidence: Evidence[];
  templates: TemplateCount[];
  similarIncidents: SimilarIncident[];
  actions: PlannedAction[];
  reasoning: Reasoning;
  mode: Mode;
  durationMs: number;
  /** Stable digest of what makes this failure recognisable (category + evidence templates). */
  signature: string;
  /** Occurrences of this incident so far (more than 1 once deduplicated). Absent: 1. */
  occurrences?: number | undefined;
  /** True when this log repeated an incident seen within the dedup window (no new actions). */
  deduplicated?: boolean | undefined;
  /** Set when the category came from a learned pattern rather than from the log alone. */
  learned?: LearnedCategory | undefined;
}

export interface LearnedCategory {
  /** The incident whose feedback taught the category (null once pruned). */
  fromIncidentId: string | null;
  /** What the log alone pointed to. */
  observedCategory: Category;
}

/** What operators said about an incident. */
export interface IncidentFeedback {
  resolved: boolean | null;
  resolution: string | null;
  correctedCategory: Category | null;
  /** How many times feedback called the diagnosis helpful / not helpful. */
  helpful: number;
  unhelpful: number;
}

/** An incident as kept by the knowledge store. */
export interface StoredIncident {
  incidentId: string;
  tenant: string;
  receivedAt: string;
  category: Category;
  severity: Severity;
  signature: string;
  occurrences: number;
  result: AnalysisResult;
  /** When it last occurred (deduplicated logs move it); absent: `receivedAt`. */
  lastSeenAt?: string | undefined;
  feedback?: IncidentFeedback | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
