// biome-ignore-all lint/suspicious/noExplicitAny: a migration is frozen in time, so it types the
// database as Kysely<any> instead of importing the current schema types.
import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * The LLM answer cache: one row per key (derived by the agent from the
 * tenant, the log signature, the provider and the model), the validated
 * answer as JSON, and when it expires. Expired rows are never served and are
 * deleted as new answers arrive. Frozen: change the schema only in a newer
 * migration.
 */
export const llmCacheMigration: Migration = Object.freeze({
  async up(db: Kysely<any>): Promise<void> {
    // ISO-8601 text compared as bytes (PostgreSQL's default collation may
    // ignore punctuation), like every other timestamp column here.
    const sortKey = isPostgres(db) ? sql`text collate "C"` : sql`text`;
    await db.schema
      .createTable('llm_cache')
      .addColumn('cache_key', 'text', (col) => col.primaryKey())
      .addColumn('answer_json', 'text', (col) => col.notNull())
      .addColumn('created_at', sortKey, (col) => col.notNull())
      .addColumn('expires_at', sortKey, (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('llm_cache_expires_at_idx')
      .on('llm_cache')
      .column('expires_at')
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('llm_cache').execute();
  },
});

// Kept inside the migration rather than shared, so this file never changes
// when helpers elsewhere do.
function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
