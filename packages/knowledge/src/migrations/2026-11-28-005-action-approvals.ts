// biome-ignore-all lint/suspicious/noExplicitAny: a migration is frozen in time, so it types the
// database as Kysely<any> instead of importing the current schema types.
import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * Governed actions as an approvals queue and a blast-radius history:
 * - `actions.target`: what the action acts on (`plugin.operation@ns/workload`);
 * - `actions.expires_at`: when a pending approval lapses (`APPROVAL_TTL_SEC`);
 * - `actions.executed_at`: when it ran; executions per target and window are
 *   the blast radius, counted through `actions_tenant_target_executed_idx`;
 * - `actions.description`: what the action does, as the plan said;
 * - `actions.review_json`: what policy is asked again at approval (category,
 *   confidence, learned, request context, mode, requester).
 * `actions_status_created_idx` serves the admin queue across tenants
 * (`GET /api/actions?status=pending_approval`) and the expiry sweep.
 * Frozen: change the schema only in a newer migration.
 */
export const actionApprovalsMigration: Migration = Object.freeze({
  async up(db: Kysely<any>): Promise<void> {
    const sortKey = isPostgres(db) ? sql`text collate "C"` : sql`text`;
    // SQLite adds one column per ALTER TABLE.
    await db.schema.alterTable('actions').addColumn('target', 'text').execute();
    await db.schema.alterTable('actions').addColumn('expires_at', sortKey).execute();
    await db.schema.alterTable('actions').addColumn('executed_at', sortKey).execute();
    await db.schema.alterTable('actions').addColumn('description', 'text').execute();
    await db.schema.alterTable('actions').addColumn('review_json', 'text').execute();
    await db.schema
      .createIndex('actions_tenant_target_executed_idx')
      .on('actions')
      .columns(['tenant', 'target', 'executed_at'])
      .execute();
    await db.schema
      .createIndex('actions_status_created_idx')
      .on('actions')
      .columns(['status', 'created_at'])
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('actions_status_created_idx').execute();
    await db.schema.dropIndex('actions_tenant_target_executed_idx').execute();
    for (const column of ['review_json', 'description', 'executed_at', 'expires_at', 'target']) {
      await db.schema.alterTable('actions').dropColumn(column).execute();
    }
  },
});

// Kept inside the migration rather than shared, so this file never changes
// when helpers elsewhere do.
function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
