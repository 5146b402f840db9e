// biome-ignore-all lint/suspicious/noExplicitAny: a migration is frozen in time, so it types the
// database as Kysely<any> instead of importing the current schema types.
import type { Kysely, Migration } from 'kysely';

/**
 * Execution claims: `actions.executor` names the process that claimed an
 * action to run it, from the claim until its outcome is written (then null).
 * A claim still set when nobody runs it any more (its process stopped) is an
 * interrupted execution, which start-up recovery marks `failed`; the index
 * keeps finding them cheap, the column being null on almost every row. It is
 * internal: the API never shows it. Frozen: change the schema only in a
 * newer migration.
 */
export const executionClaimsMigration: Migration = Object.freeze({
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('actions').addColumn('executor', 'text').execute();
    await db.schema
      .createIndex('actions_executor_idx')
      .on('actions')
      .column('executor')
      .where('executor', 'is not', null)
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('actions_executor_idx').execute();
    await db.schema.alterTable('actions').dropColumn('executor').execute();
  },
});
