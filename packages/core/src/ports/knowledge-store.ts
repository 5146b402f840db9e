import type { Category } from '../domain/categories.js';
import type { Page, Severity, SimilarIncident, StoredIncident } from '../domain/types.js';

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
}

/** Opaque, versioned state of the template miner, kept so it learns across restarts. */
export interface MinerState {
  version: number;
  data: unknown;
}

/**
 * Everything the agent must remember. Implementations throw
 * `StoreUnavailableError` when the backing store cannot be reached or written.
 */
export interface KnowledgeStore {
  saveIncident(incident: StoredIncident): Promise<void>;
  /** `tenant: null` looks across tenants (admin). */
  getIncident(incidentId: string, tenant: string | null): Promise<StoredIncident | null>;
  listIncidents(query: IncidentQuery): Promise<Page<StoredIncident>>;
  findSimilar(query: SimilarQuery): Promise<SimilarIncident[]>;
  /** Adds one vote atomically and returns the new tally for that plugin and category. */
  recordVote(vote: VoteInput): Promise<VoteTally>;
  /** Tallies for a category plus the category-free ones (category null). */
  listVotes(category: Category | null): Promise<VoteTally[]>;
  loadMinerState(): Promise<MinerState | null>;
  saveMinerState(state: MinerState): Promise<void>;
  /** Resolves when the store answers; throws StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
