import {
  type ActionChange,
  type ActionQuery,
  type ActionRecord,
  type ActionReview,
  type ActionStatus,
  ANONYMOUS,
  type AuditEntry,
  type AuditQuery,
  type Decision,
  decodeCursor,
  type ExecutingQuery,
  type ExecutionCountQuery,
  type ExecutionReservation,
  encodeCursor,
  type Page,
  type Risk,
  ValidationError,
} from '@agent/core';
import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { ActionsTable, KnowledgeDatabase, SqlDialectName } from './schema.js';

/*
 * The governed actions and the audit log on Kysely, as functions the
 * SqlKnowledgeStore runs inside its error mapping. Each is one statement:
 * a status change is one `UPDATE ... WHERE status = ? RETURNING`, which both
 * dialects apply atomically (PostgreSQL re-checks the WHERE on the row it
 * waited for; SQLite has one writer), so of concurrent approvals exactly one
 * sees its row come back.
 */

type Db = Kysely<KnowledgeDatabase>;

export async function saveActions(db: Db, actions: readonly ActionRecord[]): Promise<void> {
  if (actions.length === 0) return;
  await db.insertInto('actions').values(actions.map(toActionRow)).execute();
}

export async function getAction(
  db: Db,
  actionId: string,
  tenant: string | null,
): Promise<ActionRecord | null> {
  const row = await db
    .selectFrom('actions')
    .selectAll()
    .where('action_id', '=', actionId)
    .$if(tenant !== null, (q) => q.where('tenant', '=', tenant as string))
    .executeTakeFirst();
  return row === undefined ? null : fromActionRow(row);
}

export async function listActions(db: Db, query: ActionQuery): Promise<Page<ActionRecord>> {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  if (query.cursor !== undefined && after === null) {
    throw new ValidationError('cursor: not a cursor returned by this list');
  }
  const limit = checkedLimit(query.limit);
  const rows = await db
    .selectFrom('actions')
    .selectAll()
    .$if(query.tenant !== null, (q) => q.where('tenant', '=', query.tenant as string))
    .$if(query.status !== undefined, (q) => q.where('status', '=', query.status as string))
    .$if(query.incidentId !== undefined, (q) =>
      q.where('incident_id', '=', query.incidentId as string),
    )
    .$if(query.expiresBefore !== undefined, (q) =>
      q
        .where('expires_at', 'is not', null)
        .where('expires_at', '<=', query.expiresBefore as string),
    )
    .$if(after !== null, (q) =>
      q.where((eb) =>
        eb.or([
          eb('created_at', '<', after!.at),
          eb.and([eb('created_at', '=', after!.at), eb('action_id', '<', after!.id)]),
        ]),
      ),
    )
    .orderBy('created_at', 'desc')
    .orderBy('action_id', 'desc')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map(fromActionRow);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.actionId }) : null;
  return { items, nextCursor };
}

export async function updateAction(
  db: Db,
  actionId: string,
  change: ActionChange,
  expected: ActionStatus | null,
): Promise<ActionRecord | null> {
  const row = await db
    .updateTable('actions')
    .set(changeSet(change))
    .where('action_id', '=', actionId)
    .$if(expected !== null, (q) => q.where('status', '=', expected as string))
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? null : fromActionRow(row);
}

export async function countExecutions(db: Db, query: ExecutionCountQuery): Promise<number> {
  const row = await db
    .selectFrom('actions')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('tenant', '=', query.tenant)
    .where('target', '=', query.target)
    .where('executed_at', 'is not', null)
    .where('executed_at', '>=', query.since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Takes an execution slot in one atomic step. The statement itself is
 * conditional (an INSERT ... SELECT, or an UPDATE, that writes only while
 * fewer than `limit` actions of the tenant and target hold a slot in the
 * window). On SQLite one statement is atomic: one writer at a time, and the
 * count is read inside the write. On PostgreSQL, READ COMMITTED would let two
 * transactions each count the other's uncommitted slot out, so the statement
 * runs in a transaction that first takes an advisory lock on the tenant and
 * target: concurrent reservations for one target, from any replica, queue on
 * it, and each counts after the previous one committed.
 */
export async function reserveExecution(
  db: Db,
  dialect: SqlDialectName,
  reservation: ExecutionReservation,
): Promise<boolean> {
  if (dialect === 'sqlite' || reservation.limit === null) {
    return reserveStatement(db, reservation);
  }
  return db.transaction().execute(async (trx) => {
    const key = `${reservation.tenant}\n${reservation.target}`;
    await sql`select pg_advisory_xact_lock(hashtext(${BLAST_RADIUS_LOCK_SPACE}), hashtext(${key}))`.execute(
      trx,
    );
    return reserveStatement(trx, reservation);
  });
}

/** The advisory-lock namespace of blast-radius slots (two-key locks, apart from migrations). */
const BLAST_RADIUS_LOCK_SPACE = 'devops-agent.blast-radius';

async function reserveStatement(db: Db, r: ExecutionReservation): Promise<boolean> {
  const limit = r.limit ?? 0;
  const held = db
    .selectFrom('actions as held')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('held.tenant', '=', r.tenant)
    .where('held.target', '=', r.target)
    .where('held.executed_at', 'is not', null)
    .where('held.executed_at', '>=', r.since);
  if (typeof r.action === 'string') {
    const result = await db
      .updateTable('actions')
      .set({ executed_at: r.at, executor: r.executor })
      .where('action_id', '=', r.action)
      .where('executed_at', 'is', null)
      .$if(r.limit !== null, (q) => q.where((eb) => eb(held, '<', limit)))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
  const row = { ...toActionRow({ ...r.action, executedAt: r.at }), executor: r.executor };
  const columns = Object.keys(row) as Array<keyof typeof row>;
  const result = await db
    .insertInto('actions')
    .columns(columns)
    .expression(
      db
        .selectNoFrom((eb) => columns.map((column) => eb.val(row[column]).as(column)))
        .$if(r.limit !== null, (q) => q.where((eb) => eb(held, '<', limit))),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function listExecuting(
  db: Db,
  query: ExecutingQuery,
): Promise<Array<{ action: ActionRecord; executor: string }>> {
  const rows = await db
    .selectFrom('actions')
    .selectAll()
    .where('executor', 'is not', null)
    .$if(query.executor !== undefined || query.updatedBefore !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          ...(query.executor !== undefined ? [eb('executor', '=', query.executor)] : []),
          ...(query.updatedBefore !== undefined
            ? [eb('updated_at', '<=', query.updatedBefore)]
            : []),
        ]),
      ),
    )
    .orderBy('updated_at')
    .orderBy('action_id')
    .limit(checkedLimit(query.limit))
    .execute();
  return rows.map((row) => ({ action: fromActionRow(row), executor: row.executor as string }));
}

export async function endExecutionClaim(
  db: Db,
  actionId: string,
  executor: string,
  change: ActionChange,
): Promise<ActionRecord | null> {
  const row = await db
    .updateTable('actions')
    .set(changeSet(change))
    .where('action_id', '=', actionId)
    .where('executor', '=', executor)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? null : fromActionRow(row);
}

export async function listAudit(db: Db, query: AuditQuery): Promise<Page<AuditEntry>> {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const beforeId = after === null ? null : Number(after.id);
  if (query.cursor !== undefined && (beforeId === null || !Number.isSafeInteger(beforeId))) {
    throw new ValidationError('cursor: not a cursor returned by this list');
  }
  const limit = checkedLimit(query.limit);
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .$if(query.tenant !== null, (q) => q.where('tenant', '=', query.tenant as string))
    // The id orders the append-only log even where timestamps tie.
    .$if(beforeId !== null, (q) => q.where('id', '<', beforeId as number))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      at: row.at,
      actor: row.actor,
      tenant: row.tenant,
      event: row.event,
      subject: row.subject,
      decision: row.decision,
      reasons: row.reasons_json === null ? [] : (JSON.parse(row.reasons_json) as string[]),
      result: row.result,
    })),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ at: last.at, id: String(last.id) }) : null,
  };
}

function changeSet(change: ActionChange): Updateable<ActionsTable> {
  const set: Updateable<ActionsTable> = { status: change.status, updated_at: change.updatedAt };
  if (change.decision !== undefined) set.decision = change.decision;
  if (change.reasons !== undefined) set.reasons_json = JSON.stringify(change.reasons);
  if (change.output !== undefined) set.output = change.output;
  if (change.error !== undefined) set.error = change.error;
  if (change.decidedBy !== undefined) set.decided_by = change.decidedBy;
  if (change.executedAt !== undefined) set.executed_at = change.executedAt;
  if (change.executor !== undefined) set.executor = change.executor;
  return set;
}

function checkedLimit(limit: number): number {
  // SQLite reads LIMIT -1 as "no limit"; refuse anything but a count.
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new ValidationError('limit: must be a non-negative integer');
  }
  return limit;
}

export function toActionRow(a: ActionRecord): Omit<Selectable<ActionsTable>, 'executor'> {
  return {
    action_id: a.actionId,
    incident_id: a.incidentId,
    tenant: a.tenant,
    plugin: a.plugin,
    operation: a.operation,
    params_json: JSON.stringify(a.params),
    risk: a.risk,
    decision: a.decision,
    reasons_json: JSON.stringify(a.reasons),
    status: a.status,
    output: a.output ?? null,
    error: a.error ?? null,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    decided_by: a.decidedBy,
    target: a.target,
    expires_at: a.expiresAt,
    executed_at: a.executedAt,
    description: a.description,
    review_json: JSON.stringify(a.review),
  };
}

/** What a row written before migration 005 stands for: nothing to re-check, so policy denies. */
const UNKNOWN_REVIEW: ActionReview = {
  category: 'unknown',
  confidence: 0,
  learned: false,
  context: {},
  mode: 'safe',
  requestedBy: ANONYMOUS,
};

function fromActionRow(row: Selectable<ActionsTable>): ActionRecord {
  const action: ActionRecord = {
    actionId: row.action_id,
    plugin: row.plugin,
    operation: row.operation,
    params: JSON.parse(row.params_json) as Record<string, unknown>,
    risk: row.risk as Risk,
    description: row.description ?? '',
    decision: row.decision as Decision,
    reasons: JSON.parse(row.reasons_json) as string[],
    status: row.status as ActionStatus,
    incidentId: row.incident_id,
    tenant: row.tenant,
    target: row.target ?? `${row.plugin}.${row.operation}@-/-`,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    decidedBy: row.decided_by,
    expiresAt: row.expires_at,
    executedAt: row.executed_at,
    review:
      row.review_json === null ? UNKNOWN_REVIEW : (JSON.parse(row.review_json) as ActionReview),
  };
  if (row.output !== null) action.output = row.output;
  if (row.error !== null) action.error = row.error;
  return action;
}
