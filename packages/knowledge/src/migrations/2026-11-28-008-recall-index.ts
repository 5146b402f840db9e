// biome-ignore-all lint/suspicious/noExplicitAny: a migration is frozen in time, so it types the
// database as Kysely<any> instead of importing the current schema types.
import type { Kysely, Migration } from 'kysely';

/**
 * Recall (`findSimilar`, on every analysis) answered from the index alone.
 * The old (tenant, signature, received_at) index found the rows, but the
 * columns recall returns were read from the table, where SQLite keeps them
 * after the multi-kilobyte result JSON: on its overflow pages, one more page
 * read per row. This index carries every column recall reads; it replaces the
 * old one, whose columns are its prefix. Frozen: change the schema only in a
 * newer migration.
 */
export const recallIndexMigration: Migration = Object.freeze({
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createIndex('incidents_recall_idx')
      .on('incidents')
      .columns([
        'tenant',
        'signature',
        'received_at',
        'incident_id',
        'category',
        'corrected_category',
        'last_seen_at',
        'resolved',
        'resolution',
      ])
      .execute();
    await db.schema.dropIndex('incidents_tenant_signature_idx').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema
      .createIndex('incidents_tenant_signature_idx')
      .on('incidents')
      .columns(['tenant', 'signature', 'received_at'])
      .execute();
    await db.schema.dropIndex('incidents_recall_idx').execute();
  },
});
