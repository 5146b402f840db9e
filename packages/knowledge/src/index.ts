// @agent/knowledge: the KnowledgeStore on Kysely. SQLite (better-sqlite3) by
// default, PostgreSQL when a database URL is given; one schema, migrated in code.

export {
  createKnowledgeStore,
  type KnowledgeStoreOptions,
  runMigrations,
} from './create-knowledge-store.js';
export type { MigrationReport } from './migrate-to-latest.js';
export { knowledgeMigrations } from './migrations/migration-provider.js';
export type { SqlDialectName } from './schema.js';
export { SqlKnowledgeStore } from './sql-knowledge-store.js';
// mkdir -p that cannot spin (see there); the CLI makes its --out directories with it too.
export { makeDirectories } from './sqlite-dialect.js';
export { SQLITE_DRIVER_PACKAGE, SqliteDatabase } from './sqlite-driver.js';
export type { StoreLogger } from './store-logger.js';
