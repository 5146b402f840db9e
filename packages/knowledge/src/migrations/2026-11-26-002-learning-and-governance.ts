// biome-ignore-all lint/suspicious/noExplicitAny: a migration is frozen in time, so it types the
// database as Kysely<any> instead of importing the current schema types.
import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * Tables for learning from feedback and for governed actions: learned
 * patterns, planned/executed actions (their approval state lives on the
 * action: decision, status, decided_by) and the audit log. No store methods
 * use them yet. Frozen: change the schema only in a newer migration.
 */
export const learningAndGovernanceMigration: Migration = Object.freeze({
  async up(db: Kysely<any>): Promise<void> {
    const postgres = isPostgres(db);
    const sortKey = postgres ? sql`text collate "C"` : sql`text`;

    // A learned pattern outlives the incident that taught it: retention may
    // prune the incident, which only clears the reference.
    await db.schema
      .createTable('learned_patterns')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('tenant', 'text', (col) => col.notNull())
      .addColumn('signature', 'text', (col) => col.notNull())
      .addColumn('category', 'text', (col) => col.notNull())
      .addColumn('source_incident_id', 'text', (col) =>
        col.references('incidents.incident_id').onDelete('set null'),
      )
      .addColumn('created_at', sortKey, (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('learned_patterns_tenant_signature_idx')
      .on('learned_patterns')
      .columns(['tenant', 'signature', 'created_at'])
      .execute();

    // Pruning an incident prunes its actions (the retention rule);
    // the audit log keeps its own copy of what happened.
    await db.schema
      .createTable('actions')
      .addColumn('action_id', 'text', (col) => col.primaryKey())
      .addColumn('incident_id', 'text', (col) =>
        col.notNull().references('incidents.incident_id').onDelete('cascade'),
      )
      .addColumn('tenant', 'text', (col) => col.notNull())
      .addColumn('plugin', 'text', (col) => col.notNull())
      .addColumn('operation', 'text', (col) => col.notNull())
      .addColumn('params_json', 'text', (col) => col.notNull())
      .addColumn('risk', 'text', (col) => col.notNull())
      .addColumn('decision', 'text', (col) => col.notNull())
      .addColumn('reasons_json', 'text', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('output', 'text')
      .addColumn('error', 'text')
      .addColumn('created_at', sortKey, (col) => col.notNull())
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .addColumn('decided_by', 'text')
      .execute();
    // Also serves the cascade from incidents (PostgreSQL does not index
    // referencing columns by itself).
    await db.schema
      .createIndex('actions_incident_id_idx')
      .on('actions')
      .column('incident_id')
      .execute();
    // The approvals queue: a tenant's pending actions, oldest first.
    await db.schema
      .createIndex('actions_tenant_status_idx')
      .on('actions')
      .columns(['tenant', 'status', 'created_at'])
      .execute();

    // Append-only. The id gives a total order even when two entries share a
    // timestamp. SQLite's INTEGER PRIMARY KEY is the rowid; AUTOINCREMENT stops
    // ids of deleted rows being reused.
    await db.schema
      .createTable('audit_log')
      .addColumn('id', postgres ? 'bigserial' : 'integer', (col) =>
        postgres ? col.primaryKey() : col.primaryKey().autoIncrement(),
      )
      .addColumn('at', sortKey, (col) => col.notNull())
      .addColumn('actor', 'text', (col) => col.notNull())
      .addColumn('tenant', 'text')
      .addColumn('event', 'text', (col) => col.notNull())
      .addColumn('subject', 'text')
      .addColumn('decision', 'text')
      .addColumn('reasons_json', 'text')
      .addColumn('result', 'text')
      .execute();
    await db.schema
      .createIndex('audit_log_tenant_at_idx')
      .on('audit_log')
      .columns(['tenant', 'at'])
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('audit_log').execute();
    await db.schema.dropTable('actions').execute();
    await db.schema.dropTable('learned_patterns').execute();
  },
});

// Kept inside the migration rather than shared, so this file never changes
// when helpers elsewhere do.
function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
