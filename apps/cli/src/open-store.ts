import type { KnowledgeStore } from '@agent/core';

/**
 * Opens the knowledge store a `--db` value names: a `postgres://` URL or a
 * SQLite file path. Loaded only when asked for: the native SQLite driver is
 * not needed otherwise.
 */
export async function openStore(db: string): Promise<KnowledgeStore> {
  const { createKnowledgeStore } = await import('@agent/knowledge');
  return createKnowledgeStore(storeTarget(db));
}

export function storeTarget(db: string): { databaseUrl?: string; dbPath?: string } {
  return /^postgres(ql)?:\/\//.test(db) ? { databaseUrl: db } : { dbPath: db };
}
