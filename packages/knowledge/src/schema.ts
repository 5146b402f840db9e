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
}

export interface PluginVotesTable {
  plugin: string;
  /** '' stands for "no category": NULL cannot take part in a primary key. */
  category: string;
  up: number;
  down: number;
}

export interface MinerStateTable {
  id: string;
  version: number;
  data_json: string;
  updated_at: string;
}

export interface KnowledgeDatabase {
  incidents: IncidentsTable;
  plugin_votes: PluginVotesTable;
  miner_state: MinerStateTable;
}

export type SqlDialectName = 'sqlite' | 'postgres';
