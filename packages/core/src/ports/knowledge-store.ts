import type { ActionRecord } from '../domain/actions.js';
import type { Category } from '../domain/categories.js';
import type {
  AnalysisResult,
  Page,
  Severity,
  SimilarIncident,
  StoredIncident,
} from '../domain/types.js';
import type { ActionStore } from './action-store.js';
import type { LlmAnswer } from './llm-client.js';

/** Filters for listing incidents. `tenant: null` means every tenant (admin view). */
export interface IncidentQuery {
  tenant: string | null;
  category?: Category | undefined;
  severity?: Severity | undefined;
  /** ISO-8601, inclusive. */
  since?: string | undefined;
  /** ISO-8601, exclusive. */
  until?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface SimilarQuery {
  tenant: string;
  signature: string;
  limit: number;
  excludeIncidentId?: string | undefined;
}

export type VoteDirection = 'up' | 'down';

export interface VoteInput {
  plugin: string;
  /** null: a vote for the plugin whatever the category. */
  category: Category | null;
  direction: VoteDirection;
  tenant: string;
}

export interface VoteTally {
  plugin: string;
  category: Category | null;
  up: number;
  down: number;
  /** Reported outcomes of the plugin's actions (feedback); absent counts as 0. */
  successes?: number | undefined;
  failures?: number | undefined;
}

/** What governance decided for a new incident (see `KnowledgeStore.savePlan`). */
export interface GovernedPlan {
  incidentId: string;
  /** The planned actions; their incident is already stored. */
  actions: readonly ActionRecord[];
  /** The audit entries of their decisions and executions, in order. */
  audit: readonly AuditEntry[];
  /** Replaces the incident's stored result. */
  result?: AnalysisResult | undefined;
}

/** What `recordIncident` did with a new incident. */
export interface IncidentOccurrence {
  /** The new incident's id, or the id of the incident it repeats. */
  incidentId: string;
  /** Occurrences of that incident so far, this one included. */
  occurrences: number;
  /** True when the log was counted as one more occurrence of an open incident. */
  deduplicated: boolean;
}

/** A category taught by operator feedback for one tenant and signature. */
export interface LearnedPattern {
  id: string;
  tenant: string;
  signature: string;
  category: Category;
  /** The incident whose feedback taught it; null once retention pruned that incident. */
  sourceIncidentId: string | null;
  createdAt: string;
}

export type ActionOutcome = 'success' | 'failure';

/** One entry of the append-only audit log. */
export interface AuditEntry {
  /** ISO-8601. */
  at: string;
  /** Key id of whoever caused it, or `anonymous` / `system`. */
  actor: string;
  tenant: string | null;
  event: string;
  subject: string | null;
  decision: string | null;
  reasons: string[];
  result: string | null;
}

/** Operator feedback on one incident, applied by the store as one atomic change. */
export interface FeedbackRecord {
  incidentId: string;
  /** The incident's tenant. */
  tenant: string;
  resolved?: boolean | undefined;
  helpful?: boolean | undefined;
  correctedCategory?: Category | undefined;
  /** How it was resolved, shown by recall (e.g. `notify.send succeeded`). */
  resolution?: string | undefined;
  /** A corrected category, kept for the next log with the same signature. */
  pattern?: LearnedPattern | undefined;
  /** An action's reported outcome, counted for the plugin's ranking in that category. */
  outcome?: { plugin: string; category: Category; outcome: ActionOutcome } | undefined;
  audit: AuditEntry;
}

/** Opaque, versioned state of the template miner, kept so it learns across restarts. */
export interface MinerState {
  version: number;
  data: unknown;
}

/** An LLM answer kept so a recurring incident costs one call. */
export interface CachedLlmAnswer {
  /** Derived by the agent from the tenant, the log signature, the provider and the model. */
  key: string;
  answer: LlmAnswer;
  /** ISO-8601. */
  createdAt: string;
  /** ISO-8601; the entry is not served at or after this instant. */
  expiresAt: string;
}

/**
 * Everything the agent must remember. Implementations throw
 * `StoreUnavailableError` when the backing store cannot be reached or written.
 */
export interface KnowledgeStore extends ActionStore {
  saveIncident(incident: StoredIncident): Promise<void>;
  /**
   * Stores a new incident, unless the tenant has an incident with the same
   * signature last seen less than `dedupWindowSec` ago: then that incident
   * counts one more occurrence instead and nothing new is stored. Atomic
   * across replicas (two logs of one storm never open two incidents).
   * `dedupWindowSec` 0 always stores a new incident.
   */
  recordIncident(incident: StoredIncident, dedupWindowSec: number): Promise<IncidentOccurrence>;
  /**
   * Stores what governance decided for a new incident, all or nothing, as one
   * write: its actions, their audit entries and, when given, the incident's
   * result with the plan in it (occurrences are kept).
   */
  savePlan(plan: GovernedPlan): Promise<void>;
  /** `tenant: null` looks across tenants (admin). */
  getIncident(incidentId: string, tenant: string | null): Promise<StoredIncident | null>;
  listIncidents(query: IncidentQuery): Promise<Page<StoredIncident>>;
  findSimilar(query: SimilarQuery): Promise<SimilarIncident[]>;
  /** Adds one vote atomically and returns the new tally for that plugin and category. */
  recordVote(vote: VoteInput): Promise<VoteTally>;
  /** Tallies for a category plus the category-free ones (category null). */
  listVotes(category: Category | null): Promise<VoteTally[]>;
  /** The newest pattern the tenant taught for this signature, or null. */
  findLearnedPattern(tenant: string, signature: string): Promise<LearnedPattern | null>;
  /**
   * Applies feedback atomically: the incident's feedback fields, the learned
   * pattern, the outcome count and the audit entry are all written or none.
   * Counters add inside the database, so concurrent feedback loses nothing.
   */
  recordFeedback(feedback: FeedbackRecord): Promise<void>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Deletes incidents last seen before `before` (ISO-8601) and their actions; audit entries stay. */
  pruneIncidents(before: string): Promise<number>;
  loadMinerState(): Promise<MinerState | null>;
  saveMinerState(state: MinerState): Promise<void>;
  /** The cached LLM answer under `key` unless it expired at or before `now` (ISO-8601). */
  findLlmAnswer(key: string, now: string): Promise<LlmAnswer | null>;
  /** Keeps (or replaces) the answer under its key until `expiresAt`; may drop expired entries. */
  saveLlmAnswer(entry: CachedLlmAnswer): Promise<void>;
  /** Resolves when the store answers; throws StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
