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
  type ExecutionCountQuery,
  encodeCursor,
  type Page,
  type Risk,
  ValidationError,
} from '@agent/core';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { ActionsTable, KnowledgeDatabase } from './schema.js';

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
  const set: Updateable<ActionsTable> = { status: change.status, updated_at: change.updatedAt };
  if (change.decision !== undefined) set.decision = change.decision;
  if (change.reasons !== undefined) set.reasons_json = JSON.stringify(change.reasons);
  if (change.output !== undefined) set.output = change.output;
  if (change.error !== undefined) set.error = change.error;
  if (change.decidedBy !== undefined) set.decided_by = change.decidedBy;
  if (change.executedAt !== undefined) set.executed_at = change.executedAt;
  const row = await db
    .updateTable('actions')
    .set(set)
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

function checkedLimit(limit: number): number {
  // SQLite reads LIMIT -1 as "no limit"; refuse anything but a count.
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new ValidationError('limit: must be a non-negative integer');
  }
  return limit;
}

function toActionRow(a: ActionRecord): Selectable<ActionsTable> {
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
