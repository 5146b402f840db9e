// biome-ignore-all lint/suspicious/noExplicitAny: a migration is frozen in time, so it types the
// database as Kysely<any> instead of importing the current schema types.
import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * Incident storms, feedback and outcomes:
 * - `incidents.last_seen_at`: when the incident last occurred (deduplicated
 *   logs move it); the dedup window and retention read it. Backfilled from
 *   `received_at`.
 * - `incidents.dedup_key`: tenant and signature of an incident that may still
 *   absorb repeats, unique, so one INSERT ... ON CONFLICT decides "new or
 *   repeat" atomically on every replica. Cleared once the incident is outside
 *   the window and a new one takes the key.
 * - feedback on the incident: `resolved`, `resolution`, `corrected_category`
 *   and the `helpful` / `unhelpful` counters.
 * - `plugin_votes.successes` / `failures`: reported outcomes of a plugin's
 *   actions per category, ranked with the votes.
 * Frozen: change the schema only in a newer migration.
 */
export const dedupFeedbackOutcomesMigration: Migration = Object.freeze({
  async up(db: Kysely<any>): Promise<void> {
    const sortKey = isPostgres(db) ? sql`text collate "C"` : sql`text`;

    // SQLite adds one column per ALTER TABLE.
    await db.schema.alterTable('incidents').addColumn('last_seen_at', sortKey).execute();
    await db.schema.alterTable('incidents').addColumn('dedup_key', 'text').execute();
    await db.schema.alterTable('incidents').addColumn('resolved', 'integer').execute();
    await db.schema.alterTable('incidents').addColumn('resolution', 'text').execute();
    await db.schema.alterTable('incidents').addColumn('corrected_category', 'text').execute();
    await db.schema
      .alterTable('incidents')
      .addColumn('helpful', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('incidents')
      .addColumn('unhelpful', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await db
      .updateTable('incidents')
      .set({ last_seen_at: sql.ref('received_at') })
      .execute();

    // NULL keys (closed incidents, dedup off) never conflict in either dialect.
    await db.schema
      .createIndex('incidents_dedup_key_idx')
      .on('incidents')
      .column('dedup_key')
      .unique()
      .execute();
    // Retention prunes by when an incident was last seen.
    await db.schema
      .createIndex('incidents_last_seen_at_idx')
      .on('incidents')
      .column('last_seen_at')
      .execute();

    await db.schema
      .alterTable('plugin_votes')
      .addColumn('successes', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('plugin_votes')
      .addColumn('failures', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('plugin_votes').dropColumn('failures').execute();
    await db.schema.alterTable('plugin_votes').dropColumn('successes').execute();
    await db.schema.dropIndex('incidents_last_seen_at_idx').execute();
    await db.schema.dropIndex('incidents_dedup_key_idx').execute();
    for (const column of [
      'unhelpful',
      'helpful',
      'corrected_category',
      'resolution',
      'resolved',
      'dedup_key',
      'last_seen_at',
    ]) {
      await db.schema.alterTable('incidents').dropColumn(column).execute();
    }
  },
});

// Kept inside the migration rather than shared, so this file never changes
// when helpers elsewhere do.
function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
