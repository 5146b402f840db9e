import {
  type AnalysisResult,
  type Category,
  decodeCursor,
  encodeCursor,
  type IncidentQuery,
  type KnowledgeStore,
  type MinerState,
  type Page,
  type Severity,
  type SimilarIncident,
  type SimilarQuery,
  type StoredIncident,
  StoreUnavailableError,
  ValidationError,
  type VoteInput,
  type VoteTally,
} from '@agent/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { IncidentsTable, KnowledgeDatabase, SqlDialectName } from './schema.js';
import { toStoreError } from './store-errors.js';

/** The single row of miner state (one template miner per deployment). */
const MINER_STATE_ID = 'template-miner';

/** plugin_votes.category for a vote that applies whatever the category. */
const ANY_CATEGORY = '';

/**
 * The KnowledgeStore on Kysely, one implementation for SQLite and PostgreSQL.
 * Every query is a single statement, so nothing here needs a transaction and
 * concurrent writers (other requests, other replicas) cannot interleave
 * inside one operation.
 *
 * Build it with `createKnowledgeStore()`, which opens the database and
 * migrates it; the constructor takes a Kysely instance whose schema is
 * already current.
 */
export class SqlKnowledgeStore implements KnowledgeStore {
  readonly dialect: SqlDialectName;
  readonly #db: Kysely<KnowledgeDatabase>;
  #closing: Promise<void> | null = null;

  constructor(db: Kysely<KnowledgeDatabase>, dialect: SqlDialectName) {
    this.#db = db;
    this.dialect = dialect;
  }

  async saveIncident(incident: StoredIncident): Promise<void> {
    const row = toRow(incident);
    await this.#run('saveIncident', async (db) => {
      // Saving an id again replaces it (deduplication bumps occurrences and
      // stores the fresh analysis under the same id).
      await db
        .insertInto('incidents')
        .values(row)
        .onConflict((conflict) =>
          conflict.column('incident_id').doUpdateSet((eb) => ({
            tenant: eb.ref('excluded.tenant'),
            received_at: eb.ref('excluded.received_at'),
            category: eb.ref('excluded.category'),
            severity: eb.ref('excluded.severity'),
            signature: eb.ref('excluded.signature'),
            occurrences: eb.ref('excluded.occurrences'),
            result_json: eb.ref('excluded.result_json'),
          })),
        )
        .execute();
    });
  }

  async getIncident(incidentId: string, tenant: string | null): Promise<StoredIncident | null> {
    const row = await this.#run('getIncident', (db) =>
      db
        .selectFrom('incidents')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .$if(tenant !== null, (query) => query.where('tenant', '=', tenant as string))
        .executeTakeFirst(),
    );
    return row === undefined ? null : fromRow(row);
  }

  async listIncidents(query: IncidentQuery): Promise<Page<StoredIncident>> {
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && after === null) {
      throw new ValidationError('cursor: not a cursor returned by this list');
    }
    // SQLite reads LIMIT -1 as "no limit"; refuse anything but a count.
    if (!Number.isSafeInteger(query.limit) || query.limit < 0) {
      throw new ValidationError('limit: must be a non-negative integer');
    }
    const rows = await this.#run('listIncidents', (db) =>
      db
        .selectFrom('incidents')
        .selectAll()
        .$if(query.tenant !== null, (q) => q.where('tenant', '=', query.tenant as string))
        .$if(query.category !== undefined, (q) =>
          q.where('category', '=', query.category as string),
        )
        .$if(query.severity !== undefined, (q) =>
          q.where('severity', '=', query.severity as string),
        )
        .$if(query.since !== undefined, (q) => q.where('received_at', '>=', query.since as string))
        .$if(query.until !== undefined, (q) => q.where('received_at', '<', query.until as string))
        // Keyset pagination: rows strictly after the last one returned, in
        // the same order, so inserts between pages neither repeat nor skip.
        .$if(after !== null, (q) =>
          q.where((eb) =>
            eb.or([
              eb('received_at', '<', after!.at),
              eb.and([eb('received_at', '=', after!.at), eb('incident_id', '<', after!.id)]),
            ]),
          ),
        )
        .orderBy('received_at', 'desc')
        .orderBy('incident_id', 'desc')
        // One more than asked tells whether another page exists.
        .limit(query.limit + 1)
        .execute(),
    );
    const items = rows.slice(0, query.limit).map(fromRow);
    const last = items.at(-1);
    const nextCursor =
      rows.length > query.limit && last !== undefined
        ? encodeCursor({ at: last.receivedAt, id: last.incidentId })
        : null;
    return { items, nextCursor };
  }

  async findSimilar(query: SimilarQuery): Promise<SimilarIncident[]> {
    const rows = await this.#run('findSimilar', (db) =>
      db
        .selectFrom('incidents')
        .select(['incident_id', 'category', 'received_at'])
        .where('tenant', '=', query.tenant)
        .where('signature', '=', query.signature)
        .$if(query.excludeIncidentId !== undefined, (q) =>
          q.where('incident_id', '<>', query.excludeIncidentId as string),
        )
        .orderBy('received_at', 'desc')
        .orderBy('incident_id', 'desc')
        .limit(Math.max(0, Math.trunc(query.limit)))
        .execute(),
    );
    return rows.map((row) => ({
      incidentId: row.incident_id,
      category: row.category as Category,
      seenAt: row.received_at,
      // Resolution comes from feedback, which this store does not keep yet.
      resolved: null,
    }));
  }

  async recordVote(vote: VoteInput): Promise<VoteTally> {
    const up = vote.direction === 'up' ? 1 : 0;
    const down = vote.direction === 'down' ? 1 : 0;
    const row = await this.#run('recordVote', (db) =>
      db
        .insertInto('plugin_votes')
        .values({ plugin: vote.plugin, category: vote.category ?? ANY_CATEGORY, up, down })
        // One statement adds to the stored counts inside the database, so
        // concurrent votes (from any replica) cannot overwrite each other.
        .onConflict((conflict) =>
          conflict.columns(['plugin', 'category']).doUpdateSet((eb) => ({
            up: eb('plugin_votes.up', '+', eb.ref('excluded.up')),
            down: eb('plugin_votes.down', '+', eb.ref('excluded.down')),
          })),
        )
        .returning(['plugin', 'category', 'up', 'down'])
        .executeTakeFirstOrThrow(),
    );
    return toTally(row);
  }

  async listVotes(category: Category | null): Promise<VoteTally[]> {
    const categories = category === null ? [ANY_CATEGORY] : [ANY_CATEGORY, category];
    const rows = await this.#run('listVotes', (db) =>
      db
        .selectFrom('plugin_votes')
        .select(['plugin', 'category', 'up', 'down'])
        .where('category', 'in', categories)
        .orderBy('plugin')
        .orderBy('category')
        .execute(),
    );
    return rows.map(toTally);
  }

  async loadMinerState(): Promise<MinerState | null> {
    const row = await this.#run('loadMinerState', (db) =>
      db
        .selectFrom('miner_state')
        .select(['version', 'data_json'])
        .where('id', '=', MINER_STATE_ID)
        .executeTakeFirst(),
    );
    return row === undefined ? null : { version: row.version, data: JSON.parse(row.data_json) };
  }

  async saveMinerState(state: MinerState): Promise<void> {
    const dataJson = JSON.stringify(state.data ?? null);
    const updatedAt = new Date().toISOString();
    await this.#run('saveMinerState', async (db) => {
      await db
        .insertInto('miner_state')
        .values({
          id: MINER_STATE_ID,
          version: state.version,
          data_json: dataJson,
          updated_at: updatedAt,
        })
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({
            version: eb.ref('excluded.version'),
            data_json: eb.ref('excluded.data_json'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    });
  }

  async ping(): Promise<void> {
    await this.#run('ping', async (db) => {
      // Not SELECT 1: a store that can be read but not written (SQLite file
      // opened read-only, another process holding the write lock past
      // busy_timeout, a PostgreSQL hot standby after failover) answers
      // SELECT 1 happily. An UPDATE that matches no row asks for write
      // access, fails in exactly those cases, and writes nothing. A full
      // disk is only seen by writes that need space.
      await db
        .updateTable('miner_state')
        .set((eb) => ({ id: eb.ref('id') }))
        .where(sql<boolean>`1 = 0`)
        .execute();
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#db.destroy().catch((error: unknown) => {
      throw toStoreError(error, 'knowledge store: close');
    });
    return this.#closing;
  }

  /** Runs one operation, turning driver errors into domain errors. */
  async #run<T>(
    operation: string,
    task: (db: Kysely<KnowledgeDatabase>) => Promise<T>,
  ): Promise<T> {
    if (this.#closing !== null) {
      throw new StoreUnavailableError(`knowledge store: ${operation}: the store is closed`);
    }
    try {
      return await task(this.#db);
    } catch (error) {
      throw toStoreError(error, `knowledge store: ${operation}`);
    }
  }
}

function toRow(incident: StoredIncident): Selectable<IncidentsTable> {
  return {
    incident_id: incident.incidentId,
    tenant: incident.tenant,
    received_at: incident.receivedAt,
    category: incident.category,
    severity: incident.severity,
    signature: incident.signature,
    occurrences: incident.occurrences,
    result_json: JSON.stringify(incident.result),
  };
}

function fromRow(row: Selectable<IncidentsTable>): StoredIncident {
  return {
    incidentId: row.incident_id,
    tenant: row.tenant,
    receivedAt: row.received_at,
    category: row.category as Category,
    severity: row.severity as Severity,
    signature: row.signature,
    occurrences: Number(row.occurrences),
    result: JSON.parse(row.result_json) as AnalysisResult,
  };
}

function toTally(row: { plugin: string; category: string; up: number; down: number }): VoteTally {
  return {
    plugin: row.plugin,
    category: row.category === ANY_CATEGORY ? null : (row.category as Category),
    up: Number(row.up),
    down: Number(row.down),
  };
}
