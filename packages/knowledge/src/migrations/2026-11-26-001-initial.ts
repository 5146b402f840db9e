// biome-ignore-all lint/suspicious/noExplicitAny: a migration is frozen in time, so it types the
// database as Kysely<any> instead of importing the current schema types.
import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * Incidents, plugin votes and the template miner's state. Frozen: once
 * released, change the schema only in a newer migration.
 *
 * Timestamps are ISO-8601 text in both dialects: the same bytes come back
 * that were stored, and text order is time order because every writer uses
 * `Date#toISOString()`. Structured payloads are JSON text, since SQLite has
 * no JSON column type and nothing queries inside them.
 */
export const initialMigration: Migration = Object.freeze({
  async up(db: Kysely<any>): Promise<void> {
    // PostgreSQL sorts text by the database's locale (en_US ignores
    // punctuation and case at first); the keyset pagination columns use byte
    // order there so every replica, SQLite and the in-memory store agree.
    const sortKey = isPostgres(db) ? sql`text collate "C"` : sql`text`;

    await db.schema
      .createTable('incidents')
      .addColumn('incident_id', sortKey, (col) => col.primaryKey())
      .addColumn('tenant', 'text', (col) => col.notNull())
      .addColumn('received_at', sortKey, (col) => col.notNull())
      .addColumn('category', 'text', (col) => col.notNull())
      .addColumn('severity', 'text', (col) => col.notNull())
      .addColumn('signature', 'text', (col) => col.notNull())
      .addColumn('occurrences', 'integer', (col) => col.notNull().defaultTo(1))
      .addColumn('result_json', 'text', (col) => col.notNull())
      .execute();
    // Listing a tenant's incidents newest first, and paging through them by
    // (received_at, incident_id), reads this index in order.
    await db.schema
      .createIndex('incidents_tenant_received_at_idx')
      .on('incidents')
      .columns(['tenant', 'received_at', 'incident_id'])
      .execute();
    // Recall and deduplication: same tenant and signature, newest first.
    await db.schema
      .createIndex('incidents_tenant_signature_idx')
      .on('incidents')
      .columns(['tenant', 'signature', 'received_at'])
      .execute();
    // The admin view (every tenant) and retention pruning by age.
    await db.schema
      .createIndex('incidents_received_at_idx')
      .on('incidents')
      .columns(['received_at', 'incident_id'])
      .execute();

    await db.schema
      .createTable('plugin_votes')
      .addColumn('plugin', 'text', (col) => col.notNull())
      .addColumn('category', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('up', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('down', 'integer', (col) => col.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('plugin_votes_pk', ['plugin', 'category'])
      .execute();

    await db.schema
      .createTable('miner_state')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('data_json', 'text', (col) => col.notNull())
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('miner_state').execute();
    await db.schema.dropTable('plugin_votes').execute();
    await db.schema.dropTable('incidents').execute();
  },
});

// Kept inside the migration rather than shared, so this file never changes
// when helpers elsewhere do.
function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
