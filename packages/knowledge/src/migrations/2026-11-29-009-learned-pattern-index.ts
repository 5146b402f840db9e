// biome-ignore-all lint/suspicious/noExplicitAny: a migration is frozen in time, so it types the
// database as Kysely<any> instead of importing the current schema types.
import type { Kysely, Migration } from 'kysely';

/**
 * The learned-pattern lookup (`findLearnedPattern`, on every analysis) in
 * index order. It takes the newest pattern of a tenant and signature, newest
 * by created_at then id; the old (tenant, signature, created_at) index left
 * the id to a sort, which SQLite set up on every call, rows or none. This
 * index ends in both; it replaces the old one, whose columns are its prefix.
 * Frozen: change the schema only in a newer migration.
 */
export const learnedPatternIndexMigration: Migration = Object.freeze({
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createIndex('learned_patterns_lookup_idx')
      .on('learned_patterns')
      .columns(['tenant', 'signature', 'created_at', 'id'])
      .execute();
    await db.schema.dropIndex('learned_patterns_tenant_signature_idx').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema
      .createIndex('learned_patterns_tenant_signature_idx')
      .on('learned_patterns')
      .columns(['tenant', 'signature', 'created_at'])
      .execute();
    await db.schema.dropIndex('learned_patterns_lookup_idx').execute();
  },
});
