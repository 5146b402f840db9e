import type { Generated } from 'kysely';

/**
 * Row types of the tables this package reads and writes, as Kysely sees them.
 * They describe the schema the migrations build; the migrations themselves
 * never import these (they are frozen in time and type the database as
 * `Kysely<any>`).
 */

export interface IncidentsTable {
  incident_id: string;
  tenant: string;
  /** ISO-8601 text, so ordering and equality are the same in both dialects. */
  received_at: string;
  category: string;
  severity: string;
  signature: string;
  occurrences: number;
  /** The full AnalysisResult as JSON. */
  result_json: string;
  /** ISO-8601; null only in rows written before migration 003 backfilled it. */
  last_seen_at: string | null;
  /** tenant + signature while the incident may absorb repeats (unique); else null. */
  dedup_key: string | null;
  /** 1 / 0 from feedback; null when nobody said. */
  resolved: number | null;
  resolution: string | null;
  corrected_category: string | null;
  helpful: Generated<number>;
  unhelpful: Generated<number>;
}

export interface LearnedPatternsTable {
  id: string;
  tenant: string;
  signature: string;
  category: string;
  source_incident_id: string | null;
  created_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  tenant: string | null;
  event: string;
  subject: string | null;
  decision: string | null;
  reasons_json: string | null;
  result: string | null;
}

/** A governed action (migrations 002, 005 and 007). Text timestamps are ISO-8601. */
export interface ActionsTable {
  action_id: string;
  incident_id: string;
  tenant: string;
  plugin: string;
  operation: string;
  params_json: string;
  risk: string;
  decision: string;
  reasons_json: string;
  status: string;
  output: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  decided_by: string | null;
  target: string | null;
  expires_at: string | null;
  executed_at: string | null;
  description: string | null;
  review_json: string | null;
  /** Migration 007: the process holding the execution claim until the outcome is written. */
  executor: string | null;
}

export interface PluginVotesTable {
  plugin: string;
  /** '' stands for "no category": NULL cannot take part in a primary key. */
  category: string;
  up: number;
  down: number;
  successes: Generated<number>;
  failures: Generated<number>;
}

export interface MinerStateTable {
  id: string;
  version: number;
  data_json: string;
  updated_at: string;
}

export interface LlmCacheTable {
  cache_key: string;
  /** The validated LlmAnswer as JSON. */
  answer_json: string;
  created_at: string;
  /** ISO-8601; the row is not served at or after it. */
  expires_at: string;
}

export interface KnowledgeDatabase {
  incidents: IncidentsTable;
  plugin_votes: PluginVotesTable;
  miner_state: MinerStateTable;
  learned_patterns: LearnedPatternsTable;
  audit_log: AuditLogTable;
  actions: ActionsTable;
  llm_cache: LlmCacheTable;
}

export type SqlDialectName = 'sqlite' | 'postgres';
