import {
  type ActionChange,
  type ActionQuery,
  type ActionRecord,
  type ActionStatus,
  type AnalysisResult,
  type AuditEntry,
  type AuditQuery,
  type CachedLlmAnswer,
  type Category,
  decodeCursor,
  type ExecutingQuery,
  type ExecutionCountQuery,
  type ExecutionReservation,
  encodeCursor,
  type FeedbackRecord,
  type GovernedPlan,
  type IncidentOccurrence,
  type IncidentQuery,
  type KnowledgeStore,
  type LearnedPattern,
  type LlmAnswer,
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
import {
  type Compilable,
  type CompiledQuery,
  type Insertable,
  type Kysely,
  type QueryCreator,
  type QueryResult,
  type Selectable,
  sql,
} from 'kysely';
import type pg from 'pg';
import { executeOnPool } from './postgres-dialect.js';
import { preparedInsert, preparedQuery, preparedRowGroups } from './prepared-query.js';
import type { AuditLogTable, IncidentsTable, KnowledgeDatabase, SqlDialectName } from './schema.js';
import * as actionStore from './sql-action-store.js';
import type { SqliteGroupCommit } from './sqlite-group-commit.js';
import { outOfSpaceCode, toStoreError } from './store-errors.js';

/** The single row of miner state (one template miner per deployment). */
const MINER_STATE_ID = 'template-miner';

/** plugin_votes.category for a vote that applies whatever the category. */
const ANY_CATEGORY = '';

/** Rows deleted per statement by retention, so a large prune never holds the write lock long. */
const PRUNE_BATCH = 500;
/** How long ping() reports a write that failed for want of space, by default. */
const OUT_OF_SPACE_REPORT_MS = 10_000;

/**
 * The KnowledgeStore on Kysely, one implementation for SQLite and PostgreSQL.
 * Every operation is a single statement (feedback: one transaction), so
 * concurrent writers (other requests, other replicas) cannot interleave
 * inside one operation; counters add inside the database.
 *
 * Build it with `createKnowledgeStore()`, which opens the database and
 * migrates it; the constructor takes a Kysely instance whose schema is
 * already current.
 */
export class SqlKnowledgeStore implements KnowledgeStore {
  readonly dialect: SqlDialectName;
  /**
   * What and where the database is, for a start-up log line: `SQLite <path>
   * (SQLite <version>, <driver> <version>)` or `PostgreSQL host:port/database`
   * (never credentials).
   */
  readonly description: string;
  readonly #db: Kysely<KnowledgeDatabase>;
  /** SQLite only: the group commit of the connection under `#db`. */
  readonly #sqlite: SqliteGroupCommit | undefined;
  /** The PostgreSQL pool under `#db`: the request path's statements run on it directly. */
  readonly #postgres: pg.Pool | undefined;
  #closing: Promise<void> | null = null;
  /** How long ping() reports a write that failed for want of space. */
  readonly #outOfSpaceReportMs: number;
  /** The last write that failed for want of space: when, which, and the database's code. */
  #outOfSpace: { at: number; operation: string; code: string } | null = null;
  /** The statements every process_log runs, compiled once (see prepared-query.ts). */
  readonly #queries: ReturnType<typeof prepareQueries>;

  /**
   * `options.sqlite` is the group commit of the SQLite connection the Kysely
   * instance uses; with it, multi-statement writes run as one synchronous
   * transaction inside the group.
   */
  constructor(
    db: Kysely<KnowledgeDatabase>,
    dialect: SqlDialectName,
    options: {
      sqlite?: SqliteGroupCommit | undefined;
      postgres?: pg.Pool | undefined;
      description?: string | undefined;
      /** How long ping() reports a write that failed for want of space (default 10 s). */
      outOfSpaceReportMs?: number | undefined;
    } = {},
  ) {
    this.#db = db;
    this.dialect = dialect;
    this.description = options.description ?? dialect;
    this.#sqlite = options.sqlite;
    this.#postgres = options.postgres;
    this.#outOfSpaceReportMs = options.outOfSpaceReportMs ?? OUT_OF_SPACE_REPORT_MS;
    this.#queries = prepareQueries(db);
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
            last_seen_at: eb.ref('excluded.last_seen_at'),
            resolved: eb.ref('excluded.resolved'),
            resolution: eb.ref('excluded.resolution'),
            corrected_category: eb.ref('excluded.corrected_category'),
            helpful: eb.ref('excluded.helpful'),
            unhelpful: eb.ref('excluded.unhelpful'),
          })),
        )
        .execute();
    });
  }

  async recordIncident(
    incident: StoredIncident,
    dedupWindowSec: number,
  ): Promise<IncidentOccurrence> {
    const queries = this.#queries;
    const opened: IncidentOccurrence = {
      incidentId: incident.incidentId,
      occurrences: incident.occurrences,
      deduplicated: false,
    };
    if (!(dedupWindowSec > 0)) {
      const row = toRow(incident);
      await this.#run('recordIncident', () => this.#execute(queries.insertIncidents([row])));
      return opened;
    }
    const seenAt = incident.lastSeenAt ?? incident.receivedAt;
    const key = dedupKey(incident.tenant, incident.signature);
    const cutoff = new Date(Date.parse(seenAt) - dedupWindowSec * 1000).toISOString();
    const sqlite = this.#sqlite;
    if (sqlite !== undefined) {
      // One synchronous write, so nothing else writes between its statements
      // (the group holds SQLite's write lock; other processes wait for it).
      // A repeat is one UPDATE, and the new incident's row (its result
      // serialised) is built only when there is none; a key still held by an
      // incident outside the window is released and the claim tried again.
      const claim = (): IncidentOccurrence => {
        const repeat = sqlite.runNow<ClaimedRow>(
          queries.countRepeat({ key, cutoff, seen_at: seenAt }),
        ).rows[0];
        if (repeat !== undefined) return occurrenceOf(repeat, incident.incidentId);
        const insert = queries.claimIncident({ ...toRow(incident), dedup_key: key, cutoff });
        for (let attempt = 0; attempt < 2; attempt++) {
          const claimed = sqlite.runNow<ClaimedRow>(insert).rows[0];
          if (claimed !== undefined) return occurrenceOf(claimed, incident.incidentId);
          // The key is held by an incident outside the window: release it.
          sqlite.runNow(queries.releaseDedupKey({ key, cutoff }));
        }
        throw new Error('the incident claim returned no row after its key was released');
      };
      return this.#run('recordIncident', () => sqlite.write(claim));
    }
    const row = toRow(incident);
    return this.#run('recordIncident', async () => {
      // One statement decides "new or repeat": the unique dedup_key makes a
      // concurrent insert of the same tenant and signature (any replica) wait
      // and then take the update branch, which only counts a repeat while the
      // open incident is inside the window.
      for (let attempt = 0; attempt < 3; attempt++) {
        const { rows } = await this.#execute(
          queries.claimIncident({ ...row, dedup_key: key, cutoff }),
        );
        const claimed = rows[0] as ClaimedRow | undefined;
        if (claimed !== undefined) return occurrenceOf(claimed, incident.incidentId);
        // The key belongs to an incident outside the window: close it (only
        // if still stale) and try again; a replica racing here either opens
        // the new incident or counts a repeat of the one that did.
        await this.#execute(queries.releaseDedupKey({ key, cutoff }));
      }
      // Unreachable unless clocks disagree wildly; never lose the incident.
      await this.#execute(queries.insertIncidents([row]));
      return opened;
    });
  }

  async savePlan(plan: GovernedPlan): Promise<void> {
    const actions = plan.actions.map(actionStore.toActionRow);
    const audit = plan.audit.map(toAuditRow);
    const result = plan.result === undefined ? undefined : JSON.stringify(plan.result);
    if (actions.length === 0 && audit.length === 0 && result === undefined) return;
    if (this.#sqlite === undefined) {
      // One statement (data-modifying WITH clauses) is atomic by itself: one
      // round trip to PostgreSQL instead of a transaction's five.
      const statement = this.#queries.savePlanAtOnce(
        [actions, audit],
        result === undefined ? {} : { result_json: result, incident_id: plan.incidentId },
      );
      await this.#run('savePlan', () => this.#execute(statement));
      return;
    }
    const queries: CompiledQuery[] = [];
    if (actions.length > 0) queries.push(this.#queries.insertActions(actions));
    if (audit.length > 0) queries.push(this.#queries.insertAudit(audit));
    if (result !== undefined) {
      queries.push(
        this.#queries.updateResult({ result_json: result, incident_id: plan.incidentId }),
      );
    }
    // One write, so a request waits for one commit rather than one per row kind.
    await this.#run('savePlan', () => this.#transaction(queries));
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
    const limit = Math.max(0, Math.trunc(query.limit));
    const { rows } = await this.#run('findSimilar', () =>
      this.#execute(
        this.#queries.findSimilar(
          query.excludeIncidentId === undefined
            ? { tenant: query.tenant, signature: query.signature, limit }
            : {
                tenant: query.tenant,
                signature: query.signature,
                exclude: query.excludeIncidentId,
                limit,
              },
        ),
      ),
    );
    return (rows as SimilarRow[]).map((row) => ({
      incidentId: row.incident_id,
      category: (row.corrected_category ?? row.category) as Category,
      seenAt: row.last_seen_at ?? row.received_at,
      resolved: row.resolved === null ? null : Number(row.resolved) === 1,
      resolution: row.resolution,
    }));
  }

  async findLearnedPattern(tenant: string, signature: string): Promise<LearnedPattern | null> {
    const { rows } = await this.#run('findLearnedPattern', () =>
      this.#execute(this.#queries.findLearnedPattern({ tenant, signature })),
    );
    const row = rows[0] as Selectable<KnowledgeDatabase['learned_patterns']> | undefined;
    if (row === undefined) return null;
    return {
      id: row.id,
      tenant: row.tenant,
      signature: row.signature,
      category: row.category as Category,
      sourceIncidentId: row.source_incident_id,
      createdAt: row.created_at,
    };
  }

  async recordFeedback(feedback: FeedbackRecord): Promise<void> {
    const db = this.#db;
    const queries: CompiledQuery[] = [
      db
        .updateTable('incidents')
        .set((eb) => ({
          resolved:
            feedback.resolved === undefined ? eb.ref('resolved') : feedback.resolved ? 1 : 0,
          resolution:
            feedback.resolution === undefined ? eb.ref('resolution') : feedback.resolution,
          corrected_category:
            feedback.correctedCategory === undefined
              ? eb.ref('corrected_category')
              : feedback.correctedCategory,
          helpful: eb('helpful', '+', feedback.helpful === true ? 1 : 0),
          unhelpful: eb('unhelpful', '+', feedback.helpful === false ? 1 : 0),
        }))
        .where('incident_id', '=', feedback.incidentId)
        .compile(),
    ];
    if (feedback.pattern !== undefined) {
      const p = feedback.pattern;
      queries.push(
        db
          .insertInto('learned_patterns')
          .values({
            id: p.id,
            tenant: p.tenant,
            signature: p.signature,
            category: p.category,
            source_incident_id: p.sourceIncidentId,
            created_at: p.createdAt,
          })
          .compile(),
      );
    }
    if (feedback.outcome !== undefined) {
      const success = feedback.outcome.outcome === 'success' ? 1 : 0;
      queries.push(
        db
          .insertInto('plugin_votes')
          .values({
            plugin: feedback.outcome.plugin,
            category: feedback.outcome.category,
            up: 0,
            down: 0,
            successes: success,
            failures: 1 - success,
          })
          .onConflict((conflict) =>
            conflict.columns(['plugin', 'category']).doUpdateSet((eb) => ({
              successes: eb('plugin_votes.successes', '+', eb.ref('excluded.successes')),
              failures: eb('plugin_votes.failures', '+', eb.ref('excluded.failures')),
            })),
          )
          .compile(),
      );
    }
    queries.push(auditInsert(db, feedback.audit).compile());
    await this.#run('recordFeedback', () => this.#transaction(queries));
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.#run('appendAudit', (db) => auditInsert(db, entry).execute());
  }

  async saveActions(actions: readonly ActionRecord[]): Promise<void> {
    await this.#run('saveActions', (db) => actionStore.saveActions(db, actions));
  }

  getAction(actionId: string, tenant: string | null): Promise<ActionRecord | null> {
    return this.#run('getAction', (db) => actionStore.getAction(db, actionId, tenant));
  }

  listActions(query: ActionQuery): Promise<Page<ActionRecord>> {
    return this.#run('listActions', (db) => actionStore.listActions(db, query));
  }

  updateAction(
    actionId: string,
    change: ActionChange,
    expected: ActionStatus | null,
  ): Promise<ActionRecord | null> {
    return this.#run('updateAction', (db) =>
      actionStore.updateAction(db, actionId, change, expected),
    );
  }

  countExecutions(query: ExecutionCountQuery): Promise<number> {
    return this.#run('countExecutions', (db) => actionStore.countExecutions(db, query));
  }

  reserveExecution(reservation: ExecutionReservation): Promise<boolean> {
    return this.#run('reserveExecution', (db) =>
      actionStore.reserveExecution(db, this.dialect, reservation),
    );
  }

  listExecuting(query: ExecutingQuery): Promise<Array<{ action: ActionRecord; executor: string }>> {
    return this.#run('listExecuting', (db) => actionStore.listExecuting(db, query));
  }

  endExecutionClaim(
    actionId: string,
    executor: string,
    change: ActionChange,
  ): Promise<ActionRecord | null> {
    return this.#run('endExecutionClaim', (db) =>
      actionStore.endExecutionClaim(db, actionId, executor, change),
    );
  }

  listAudit(query: AuditQuery): Promise<Page<AuditEntry>> {
    return this.#run('listAudit', (db) => actionStore.listAudit(db, query));
  }

  async pruneIncidents(before: string): Promise<number> {
    return this.#run('pruneIncidents', async (db) => {
      let pruned = 0;
      for (;;) {
        // Actions go with their incident (ON DELETE CASCADE); learned
        // patterns stay and lose the reference; the audit log is untouched.
        const result = await db
          .deleteFrom('incidents')
          .where(
            'incident_id',
            'in',
            db
              .selectFrom('incidents')
              .select('incident_id')
              .where('last_seen_at', '<', before)
              .limit(PRUNE_BATCH),
          )
          .executeTakeFirst();
        const deleted = Number(result.numDeletedRows);
        pruned += deleted;
        if (deleted < PRUNE_BATCH) return pruned;
      }
    });
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
        .returning(['plugin', 'category', 'up', 'down', 'successes', 'failures'])
        .executeTakeFirstOrThrow(),
    );
    return toTally(row);
  }

  async listVotes(category: Category | null): Promise<VoteTally[]> {
    const categories =
      category === null ? { any: ANY_CATEGORY } : { any: ANY_CATEGORY, category: category };
    const { rows } = await this.#run('listVotes', () =>
      this.#execute(this.#queries.listVotes(categories)),
    );
    return (rows as VoteRow[]).map(toTally);
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

  async findLlmAnswer(key: string, now: string): Promise<LlmAnswer | null> {
    const row = await this.#run('findLlmAnswer', (db) =>
      db
        .selectFrom('llm_cache')
        .select('answer_json')
        .where('cache_key', '=', key)
        .where('expires_at', '>', now)
        .executeTakeFirst(),
    );
    return row === undefined ? null : (JSON.parse(row.answer_json) as LlmAnswer);
  }

  async saveLlmAnswer(entry: CachedLlmAnswer): Promise<void> {
    const answerJson = JSON.stringify(entry.answer);
    await this.#run('saveLlmAnswer', async (db) => {
      // Expired answers go as new ones arrive (indexed on expires_at), so the
      // cache holds about one TTL's worth of distinct incidents.
      await db.deleteFrom('llm_cache').where('expires_at', '<=', entry.createdAt).execute();
      await db
        .insertInto('llm_cache')
        .values({
          cache_key: entry.key,
          answer_json: answerJson,
          created_at: entry.createdAt,
          expires_at: entry.expiresAt,
        })
        .onConflict((conflict) =>
          conflict.column('cache_key').doUpdateSet((eb) => ({
            answer_json: eb.ref('excluded.answer_json'),
            created_at: eb.ref('excluded.created_at'),
            expires_at: eb.ref('excluded.expires_at'),
          })),
        )
        .execute();
    });
  }

  async ping(): Promise<void> {
    // A full disk fails only writes that need new space, so the writes below
    // pass while process_log answers 503. Report the last such failure for a
    // while: under traffic each failing write renews it; once space returns,
    // writes succeed and the report ends by itself.
    const outOfSpace = this.#outOfSpace;
    if (outOfSpace !== null) {
      const age = Date.now() - outOfSpace.at;
      if (age < this.#outOfSpaceReportMs) {
        throw new StoreUnavailableError(
          `knowledge store: out of space: ${outOfSpace.operation} failed ${(age / 1000).toFixed(1)} s ago (${outOfSpace.code})`,
        );
      }
      this.#outOfSpace = null;
    }
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
      if (this.dialect === 'sqlite') {
        // SQLite commits that empty UPDATE without touching the file, so a
        // file that can no longer be written (immutable, a failing disk, a
        // mount gone read-only) still looked fine. Writing the header's
        // user_version back unchanged is a real one-page write that changes
        // nothing: it fails exactly when incidents could not be stored.
        const { rows } = await sql<{ user_version: number }>`pragma user_version`.execute(db);
        const version = Math.trunc(Number(rows[0]?.user_version ?? 0));
        await sql.raw(`pragma user_version = ${version}`).execute(db);
      }
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#db.destroy().catch((error: unknown) => {
      throw toStoreError(error, 'knowledge store: close');
    });
    return this.#closing;
  }

  /**
   * Runs statements as one transaction. On SQLite they run synchronously (a
   * savepoint inside the open group commit), with no await inside: a Kysely
   * transaction would hold the file's write lock across awaits, and another
   * connection of this process waiting on busy_timeout blocks the event loop
   * that would release it. Resolves once committed.
   */
  async #transaction(queries: readonly CompiledQuery[]): Promise<void> {
    const sqlite = this.#sqlite;
    if (sqlite !== undefined) {
      await sqlite.write(() =>
        sqlite.database.transaction(() => {
          for (const query of queries) sqlite.runNow(query);
        })(),
      );
      return;
    }
    await this.#db.transaction().execute(async (trx) => {
      for (const query of queries) await trx.executeQuery(query);
    });
  }

  /**
   * Runs one compiled statement straight on the SQLite group commit or the
   * PostgreSQL pool, past Kysely's executor (its connection handling costs
   * about a dozen promises a statement); the request path's statements are
   * already compiled.
   */
  #execute<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#sqlite !== undefined) return this.#sqlite.execute<R>(query);
    if (this.#postgres !== undefined) return executeOnPool<R>(this.#postgres, query);
    return this.#db.executeQuery<R>(query);
  }

  /** Runs one operation, turning driver errors into domain errors. */
  #run<T>(operation: string, task: (db: Kysely<KnowledgeDatabase>) => Promise<T>): Promise<T> {
    if (this.#closing !== null) {
      return Promise.reject(
        new StoreUnavailableError(`knowledge store: ${operation}: the store is closed`),
      );
    }
    const fail = (error: unknown): Promise<never> => {
      const mapped = toStoreError(error, `knowledge store: ${operation}`);
      const code = outOfSpaceCode(error);
      if (code !== undefined) this.#outOfSpace = { at: Date.now(), operation, code };
      return Promise.reject(mapped);
    };
    try {
      return task(this.#db).catch(fail);
    } catch (error) {
      return fail(error);
    }
  }
}

type IncidentRow = Insertable<IncidentsTable> & { occurrences: number; last_seen_at: string };

function toRow(incident: StoredIncident): IncidentRow {
  const feedback = incident.feedback;
  return {
    incident_id: incident.incidentId,
    tenant: incident.tenant,
    received_at: incident.receivedAt,
    category: incident.category,
    severity: incident.severity,
    signature: incident.signature,
    occurrences: incident.occurrences,
    result_json: JSON.stringify(incident.result),
    last_seen_at: incident.lastSeenAt ?? incident.receivedAt,
    resolved: feedback?.resolved == null ? null : feedback.resolved ? 1 : 0,
    resolution: feedback?.resolution ?? null,
    corrected_category: feedback?.correctedCategory ?? null,
    helpful: feedback?.helpful ?? 0,
    unhelpful: feedback?.unhelpful ?? 0,
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
    lastSeenAt: row.last_seen_at ?? row.received_at,
    feedback: {
      resolved: row.resolved === null ? null : Number(row.resolved) === 1,
      resolution: row.resolution,
      correctedCategory: row.corrected_category as Category | null,
      helpful: Number(row.helpful),
      unhelpful: Number(row.unhelpful),
    },
  };
}

function toTally(row: {
  plugin: string;
  category: string;
  up: number;
  down: number;
  successes: number;
  failures: number;
}): VoteTally {
  return {
    plugin: row.plugin,
    category: row.category === ANY_CATEGORY ? null : (row.category as Category),
    up: Number(row.up),
    down: Number(row.down),
    successes: Number(row.successes),
    failures: Number(row.failures),
  };
}

/** The incident a claim or a repeat landed on. */
interface ClaimedRow {
  incident_id: string;
  occurrences: number | string;
}

function occurrenceOf(row: ClaimedRow, incidentId: string): IncidentOccurrence {
  return {
    incidentId: row.incident_id,
    occurrences: Number(row.occurrences),
    deduplicated: row.incident_id !== incidentId,
  };
}

/** The key of an incident that may still absorb repeats: tenant and signature. */
function dedupKey(tenant: string, signature: string): string {
  return `${tenant}\n${signature}`;
}

function auditInsert(db: Kysely<KnowledgeDatabase>, entry: AuditEntry) {
  return db.insertInto('audit_log').values(toAuditRow(entry));
}

function toAuditRow(entry: AuditEntry): Insertable<AuditLogTable> {
  return {
    at: entry.at,
    actor: entry.actor,
    tenant: entry.tenant,
    event: entry.event,
    subject: entry.subject,
    decision: entry.decision,
    reasons_json: JSON.stringify(entry.reasons),
    result: entry.result,
  };
}

type SimilarRow = Pick<
  Selectable<IncidentsTable>,
  | 'incident_id'
  | 'category'
  | 'corrected_category'
  | 'received_at'
  | 'last_seen_at'
  | 'resolved'
  | 'resolution'
>;

type VoteRow = Parameters<typeof toTally>[0];

/** The statements of process_log's path, each built and compiled by Kysely once. */
function prepareQueries(db: Kysely<KnowledgeDatabase>) {
  return {
    insertIncidents: preparedInsert('insert incidents', (rows) =>
      db.insertInto('incidents').values(rows as Insertable<IncidentsTable>[]),
    ),
    /** The new incident, or one more occurrence of the open one inside the window. */
    claimIncident: preparedQuery('claim incident', ({ cutoff, ...row }) =>
      db
        .insertInto('incidents')
        .values(row as Insertable<IncidentsTable>)
        .onConflict((conflict) =>
          conflict
            .column('dedup_key')
            .doUpdateSet((eb) => ({
              occurrences: eb('incidents.occurrences', '+', 1),
              last_seen_at: later(
                eb.ref('excluded.last_seen_at'),
                eb.ref('incidents.last_seen_at'),
              ),
            }))
            .where('incidents.last_seen_at', '>', cutoff),
        )
        .returning(['incident_id', 'occurrences']),
    ),
    /** One more occurrence of the open incident with this key, if inside the window. */
    countRepeat: preparedQuery('count repeat', ({ key, cutoff, seen_at }) =>
      db
        .updateTable('incidents')
        .set((eb) => ({
          occurrences: eb('occurrences', '+', 1),
          last_seen_at: later(seen_at, eb.ref('last_seen_at')),
        }))
        .where('dedup_key', '=', key)
        .where('last_seen_at', '>', cutoff)
        .returning(['incident_id', 'occurrences']),
    ),
    releaseDedupKey: preparedQuery('release dedup key', ({ key, cutoff }) =>
      db
        .updateTable('incidents')
        .set({ dedup_key: null })
        .where('dedup_key', '=', key)
        .where('last_seen_at', '<=', cutoff),
    ),
    insertActions: preparedInsert('insert actions', (rows) =>
      db.insertInto('actions').values(rows as Insertable<KnowledgeDatabase['actions']>[]),
    ),
    insertAudit: preparedInsert('insert audit_log', (rows) =>
      db.insertInto('audit_log').values(rows as Insertable<AuditLogTable>[]),
    ),
    /**
     * A plan's actions, audit entries and result as one PostgreSQL statement
     * (data-modifying WITH clauses), compiled once per number of actions and
     * audit entries: built and compiled by Kysely on every call, it cost about
     * 0.05 ms of CPU a new incident (bench:store).
     */
    savePlanAtOnce: preparedRowGroups('save plan', ([actions = [], audit = []], values) =>
      planStatement(db, actions, audit, values.result_json, values.incident_id),
    ),
    updateResult: preparedQuery('update result', (values) =>
      db
        .updateTable('incidents')
        .set({ result_json: values.result_json })
        .where('incident_id', '=', values.incident_id),
    ),
    findSimilar: preparedQuery(
      'find similar',
      (values) =>
        db
          .selectFrom('incidents')
          .select([
            'incident_id',
            'category',
            'corrected_category',
            'received_at',
            'last_seen_at',
            'resolved',
            'resolution',
          ])
          .where('tenant', '=', values.tenant)
          .where('signature', '=', values.signature)
          .$if('exclude' in values, (q) => q.where('incident_id', '<>', values.exclude))
          // received_at alone, so the (tenant, signature, received_at) index
          // answers in order and the LIMIT stops the scan. A tie-breaker on
          // incident_id made SQLite walk every incident of the tenant instead
          // (a sort, or a scan of the tenant's history, on every request).
          .orderBy('received_at', 'desc')
          .limit(sql.lit(values.limit)),
      { literals: ['limit'] },
    ),
    findLearnedPattern: preparedQuery('find learned pattern', (values) =>
      db
        .selectFrom('learned_patterns')
        .selectAll()
        .where('tenant', '=', values.tenant)
        .where('signature', '=', values.signature)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(sql.lit(1)),
    ),
    /** Votes for any category and, when given, one category. */
    listVotes: preparedQuery('list votes', (categories) =>
      db
        .selectFrom('plugin_votes')
        .select(['plugin', 'category', 'up', 'down', 'successes', 'failures'])
        .where('category', 'in', Object.values(categories))
        .orderBy('plugin')
        .orderBy('category'),
    ),
  };
}

/**
 * The later of two ISO times, in SQL: a repeat that arrives out of order never
 * moves `last_seen_at` back. (`max()` of two values is `greatest()` on
 * PostgreSQL, so one CASE serves both.)
 */
function later(a: unknown, b: unknown) {
  return sql<string>`case when ${a} > ${b} then ${a} else ${b} end`;
}

/** A plan's actions, audit entries and result as one PostgreSQL statement. */
function planStatement(
  db: Kysely<KnowledgeDatabase>,
  actions: readonly Record<string, unknown>[],
  audit: readonly Record<string, unknown>[],
  result: unknown,
  incidentId: unknown,
): Compilable<unknown> {
  let creator = db as QueryCreator<KnowledgeDatabase>;
  if (actions.length > 0) {
    creator = creator.with('planned_actions', (q) =>
      q.insertInto('actions').values(actions as Insertable<KnowledgeDatabase['actions']>[]),
    ) as unknown as QueryCreator<KnowledgeDatabase>;
  }
  if (audit.length > 0) {
    creator = creator.with('planned_audit', (q) =>
      q.insertInto('audit_log').values(audit as Insertable<AuditLogTable>[]),
    ) as unknown as QueryCreator<KnowledgeDatabase>;
  }
  if (result !== undefined) {
    return creator
      .updateTable('incidents')
      .set({ result_json: result as string })
      .where('incident_id', '=', incidentId as string);
  }
  return creator.selectNoFrom(sql<number>`1`.as('planned'));
}
