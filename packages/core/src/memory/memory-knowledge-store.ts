import type { ActionChange, ActionRecord } from '../domain/actions.js';
import type { Category } from '../domain/categories.js';
import { ValidationError } from '../domain/errors.js';
import type { IncidentFeedback, Page, SimilarIncident, StoredIncident } from '../domain/types.js';
import type {
  ActionQuery,
  AuditQuery,
  ExecutingQuery,
  ExecutionCountQuery,
  ExecutionReservation,
} from '../ports/action-store.js';
import type {
  AuditEntry,
  CachedLlmAnswer,
  FeedbackRecord,
  GovernedPlan,
  IncidentOccurrence,
  IncidentQuery,
  KnowledgeStore,
  LearnedPattern,
  MinerState,
  SimilarQuery,
  VoteInput,
  VoteTally,
} from '../ports/knowledge-store.js';
import type { LlmAnswer } from '../ports/llm-client.js';
import { decodeCursor, encodeCursor } from '../util/cursor.js';

/**
 * The in-process KnowledgeStore: what `createAgent()` uses with no arguments
 * and what the CLI uses without `--db`. Nothing survives the process.
 */
export class MemoryKnowledgeStore implements KnowledgeStore {
  readonly #incidents = new Map<string, StoredIncident>();
  readonly #votes = new Map<string, VoteTally>();
  readonly #patterns: LearnedPattern[] = [];
  readonly #audit: AuditEntry[] = [];
  readonly #actions = new Map<string, ActionRecord>();
  /** Who holds each action's execution claim (the internal marker, never on the record). */
  readonly #executors = new Map<string, string>();
  #minerState: MinerState | null = null;
  readonly #llmAnswers = new Map<string, CachedLlmAnswer>();

  async saveIncident(incident: StoredIncident): Promise<void> {
    this.#incidents.set(incident.incidentId, normalized(incident));
  }

  async recordIncident(
    incident: StoredIncident,
    dedupWindowSec: number,
  ): Promise<IncidentOccurrence> {
    // No await between looking and writing: one event-loop turn is atomic here.
    if (dedupWindowSec > 0) {
      const cutoff = new Date(
        Date.parse(incident.receivedAt) - dedupWindowSec * 1000,
      ).toISOString();
      let open: StoredIncident | undefined;
      for (const i of this.#incidents.values()) {
        if (i.tenant !== incident.tenant || i.signature !== incident.signature) continue;
        const seen = i.lastSeenAt ?? i.receivedAt;
        if (seen > cutoff && (!open || seen > (open.lastSeenAt ?? open.receivedAt))) open = i;
      }
      if (open) {
        open.occurrences += 1;
        if (incident.receivedAt > (open.lastSeenAt ?? open.receivedAt)) {
          open.lastSeenAt = incident.receivedAt;
        }
        return { incidentId: open.incidentId, occurrences: open.occurrences, deduplicated: true };
      }
    }
    this.#incidents.set(incident.incidentId, normalized(incident));
    return {
      incidentId: incident.incidentId,
      occurrences: incident.occurrences,
      deduplicated: false,
    };
  }

  async savePlan(plan: GovernedPlan): Promise<void> {
    // All or nothing, as in SQL: an action id already stored (a primary key there) fails the plan.
    const taken = plan.actions.find((action) => this.#actions.has(action.actionId));
    if (taken) throw new ValidationError(`action ${taken.actionId} is already stored`);
    await this.saveActions(plan.actions);
    for (const entry of plan.audit) await this.appendAudit(entry);
    const found = this.#incidents.get(plan.incidentId);
    if (found && plan.result) found.result = structuredClone(plan.result);
  }

  async getIncident(incidentId: string, tenant: string | null): Promise<StoredIncident | null> {
    const found = this.#incidents.get(incidentId);
    if (!found || (tenant !== null && found.tenant !== tenant)) return null;
    return structuredClone(found);
  }

  async listIncidents(query: IncidentQuery): Promise<Page<StoredIncident>> {
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && after === null) {
      throw new ValidationError('cursor: not a cursor returned by this list');
    }
    const matching = [...this.#incidents.values()]
      .filter(
        (i) =>
          (query.tenant === null || i.tenant === query.tenant) &&
          (query.category === undefined || i.category === query.category) &&
          (query.severity === undefined || i.severity === query.severity) &&
          (query.since === undefined || i.receivedAt >= query.since) &&
          (query.until === undefined || i.receivedAt < query.until),
      )
      .sort(newestFirst)
      .filter(
        (i) =>
          after === null ||
          i.receivedAt < after.at ||
          (i.receivedAt === after.at && i.incidentId < after.id),
      );
    const items = matching.slice(0, query.limit).map((i) => structuredClone(i));
    const last = items.at(-1);
    const nextCursor =
      matching.length > query.limit && last
        ? encodeCursor({ at: last.receivedAt, id: last.incidentId })
        : null;
    return { items, nextCursor };
  }

  async findSimilar(query: SimilarQuery): Promise<SimilarIncident[]> {
    return [...this.#incidents.values()]
      .filter(
        (i) =>
          i.tenant === query.tenant &&
          i.signature === query.signature &&
          i.incidentId !== query.excludeIncidentId,
      )
      .sort(newestFirst)
      .slice(0, query.limit)
      .map((i) => ({
        incidentId: i.incidentId,
        category: i.feedback?.correctedCategory ?? i.category,
        seenAt: i.lastSeenAt ?? i.receivedAt,
        resolved: i.feedback?.resolved ?? null,
        resolution: i.feedback?.resolution ?? null,
      }));
  }

  async findLearnedPattern(tenant: string, signature: string): Promise<LearnedPattern | null> {
    let newest: LearnedPattern | null = null;
    for (const p of this.#patterns) {
      if (p.tenant !== tenant || p.signature !== signature) continue;
      if (
        !newest ||
        p.createdAt > newest.createdAt ||
        (p.createdAt === newest.createdAt && p.id > newest.id)
      )
        newest = p;
    }
    return newest ? { ...newest } : null;
  }

  async recordFeedback(feedback: FeedbackRecord): Promise<void> {
    const incident = this.#incidents.get(feedback.incidentId);
    if (incident) {
      const current = incident.feedback ?? NO_FEEDBACK;
      incident.feedback = {
        resolved: feedback.resolved ?? current.resolved,
        resolution: feedback.resolution ?? current.resolution,
        correctedCategory: feedback.correctedCategory ?? current.correctedCategory,
        helpful: current.helpful + (feedback.helpful === true ? 1 : 0),
        unhelpful: current.unhelpful + (feedback.helpful === false ? 1 : 0),
      };
    }
    if (feedback.pattern) this.#patterns.push({ ...feedback.pattern });
    if (feedback.outcome) {
      const tally = this.#tally(feedback.outcome.plugin, feedback.outcome.category);
      if (feedback.outcome.outcome === 'success') tally.successes = (tally.successes ?? 0) + 1;
      else tally.failures = (tally.failures ?? 0) + 1;
    }
    this.#audit.push(structuredClone(feedback.audit));
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.#audit.push(structuredClone(entry));
  }

  async pruneIncidents(before: string): Promise<number> {
    let pruned = 0;
    for (const [id, incident] of this.#incidents) {
      if ((incident.lastSeenAt ?? incident.receivedAt) < before) {
        this.#incidents.delete(id);
        pruned += 1;
      }
    }
    for (const p of this.#patterns) {
      if (p.sourceIncidentId !== null && !this.#incidents.has(p.sourceIncidentId)) {
        p.sourceIncidentId = null;
      }
    }
    return pruned;
  }

  async recordVote(vote: VoteInput): Promise<VoteTally> {
    const tally = this.#tally(vote.plugin, vote.category);
    if (vote.direction === 'up') tally.up += 1;
    else tally.down += 1;
    return { ...tally };
  }

  #tally(plugin: string, category: Category | null): VoteTally {
    const key = `${plugin}\u0000${category ?? ''}`;
    let tally = this.#votes.get(key);
    if (!tally) {
      tally = { plugin, category, up: 0, down: 0, successes: 0, failures: 0 };
      this.#votes.set(key, tally);
    }
    return tally;
  }

  async listVotes(category: Category | null): Promise<VoteTally[]> {
    return [...this.#votes.values()]
      .filter((t) => t.category === null || t.category === category)
      .map((t) => ({ ...t }));
  }

  async loadMinerState(): Promise<MinerState | null> {
    return this.#minerState === null ? null : structuredClone(this.#minerState);
  }

  async saveMinerState(state: MinerState): Promise<void> {
    this.#minerState = structuredClone(state);
  }

  async findLlmAnswer(key: string, now: string): Promise<LlmAnswer | null> {
    const entry = this.#llmAnswers.get(key);
    if (!entry || entry.expiresAt <= now) return null;
    return structuredClone(entry.answer);
  }

  async saveLlmAnswer(entry: CachedLlmAnswer): Promise<void> {
    for (const [key, kept] of this.#llmAnswers) {
      if (kept.expiresAt <= entry.createdAt) this.#llmAnswers.delete(key);
    }
    this.#llmAnswers.set(entry.key, structuredClone(entry));
  }

  // Actions of a pruned incident are gone with it, as the SQL stores cascade.
  #liveAction(actionId: string): ActionRecord | undefined {
    const action = this.#actions.get(actionId);
    return action && this.#incidents.has(action.incidentId) ? action : undefined;
  }

  async saveActions(actions: readonly ActionRecord[]): Promise<void> {
    for (const action of actions) this.#actions.set(action.actionId, structuredClone(action));
  }

  async getAction(actionId: string, tenant: string | null): Promise<ActionRecord | null> {
    const found = this.#liveAction(actionId);
    if (!found || (tenant !== null && found.tenant !== tenant)) return null;
    return structuredClone(found);
  }

  async listActions(query: ActionQuery): Promise<Page<ActionRecord>> {
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && after === null) {
      throw new ValidationError('cursor: not a cursor returned by this list');
    }
    const matching = [...this.#actions.values()]
      .filter(
        (a) =>
          this.#incidents.has(a.incidentId) &&
          (query.tenant === null || a.tenant === query.tenant) &&
          (query.status === undefined || a.status === query.status) &&
          (query.incidentId === undefined || a.incidentId === query.incidentId) &&
          (query.expiresBefore === undefined ||
            (a.expiresAt !== null && a.expiresAt <= query.expiresBefore)),
      )
      .sort((a, b) =>
        a.createdAt !== b.createdAt
          ? a.createdAt < b.createdAt
            ? 1
            : -1
          : a.actionId < b.actionId
            ? 1
            : a.actionId > b.actionId
              ? -1
              : 0,
      )
      .filter(
        (a) =>
          after === null ||
          a.createdAt < after.at ||
          (a.createdAt === after.at && a.actionId < after.id),
      );
    const items = matching.slice(0, query.limit).map((a) => structuredClone(a));
    const last = items.at(-1);
    const nextCursor =
      matching.length > query.limit && last
        ? encodeCursor({ at: last.createdAt, id: last.actionId })
        : null;
    return { items, nextCursor };
  }

  async updateAction(
    actionId: string,
    change: ActionChange,
    expected: ActionRecord['status'] | null,
  ): Promise<ActionRecord | null> {
    // No await between the check and the write: one event-loop turn is atomic here.
    const action = this.#liveAction(actionId);
    if (!action || (expected !== null && action.status !== expected)) return null;
    action.status = change.status;
    action.updatedAt = change.updatedAt;
    if (change.decision !== undefined) action.decision = change.decision;
    if (change.reasons !== undefined) action.reasons = [...change.reasons];
    if (change.decidedBy !== undefined) action.decidedBy = change.decidedBy;
    if (change.executedAt !== undefined) action.executedAt = change.executedAt;
    if (change.output !== undefined) {
      if (change.output === null) delete action.output;
      else action.output = change.output;
    }
    if (change.error !== undefined) {
      if (change.error === null) delete action.error;
      else action.error = change.error;
    }
    if (change.executor !== undefined) {
      if (change.executor === null) this.#executors.delete(actionId);
      else this.#executors.set(actionId, change.executor);
    }
    return structuredClone(action);
  }

  async reserveExecution(reservation: ExecutionReservation): Promise<boolean> {
    // Synchronous from the count to the write: one event-loop turn is atomic here.
    const { action } = reservation;
    const stored = typeof action === 'string' ? this.#liveAction(action) : undefined;
    if (typeof action === 'string' && (!stored || stored.executedAt !== null)) return false;
    if (reservation.limit !== null && this.#countSync(reservation) >= reservation.limit) {
      return false;
    }
    if (typeof action === 'string') {
      stored!.executedAt = reservation.at;
    } else {
      if (this.#actions.has(action.actionId)) return false;
      this.#actions.set(action.actionId, {
        ...structuredClone(action),
        executedAt: reservation.at,
      });
    }
    const actionId = typeof action === 'string' ? action : action.actionId;
    this.#executors.set(actionId, reservation.executor);
    return true;
  }

  async listExecuting(
    query: ExecutingQuery,
  ): Promise<Array<{ action: ActionRecord; executor: string }>> {
    const any = query.executor === undefined && query.updatedBefore === undefined;
    const found: Array<{ action: ActionRecord; executor: string }> = [];
    for (const [actionId, executor] of this.#executors) {
      const action = this.#liveAction(actionId);
      if (!action) continue;
      if (
        any ||
        executor === query.executor ||
        (query.updatedBefore !== undefined && action.updatedAt <= query.updatedBefore)
      ) {
        found.push({ action: structuredClone(action), executor });
      }
    }
    found.sort((a, b) =>
      a.action.updatedAt < b.action.updatedAt
        ? -1
        : a.action.updatedAt > b.action.updatedAt
          ? 1
          : 0,
    );
    return found.slice(0, query.limit);
  }

  async endExecutionClaim(
    actionId: string,
    executor: string,
    change: ActionChange,
  ): Promise<ActionRecord | null> {
    if (this.#executors.get(actionId) !== executor) return null;
    return this.updateAction(actionId, change, null);
  }

  async countExecutions(query: ExecutionCountQuery): Promise<number> {
    return this.#countSync(query);
  }

  #countSync(query: ExecutionCountQuery): number {
    let n = 0;
    for (const a of this.#actions.values()) {
      if (
        a.tenant === query.tenant &&
        a.target === query.target &&
        a.executedAt !== null &&
        a.executedAt >= query.since &&
        this.#incidents.has(a.incidentId)
      ) {
        n++;
      }
    }
    return n;
  }

  async listAudit(query: AuditQuery): Promise<Page<AuditEntry>> {
    // The position in the append-only log orders entries and makes the cursor.
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const before = after === null ? this.#audit.length : Number(after.id);
    if (query.cursor !== undefined && (after === null || !Number.isSafeInteger(before))) {
      throw new ValidationError('cursor: not a cursor returned by this list');
    }
    const items: AuditEntry[] = [];
    let last = -1;
    let more = false;
    for (let i = Math.min(before, this.#audit.length) - 1; i >= 0; i--) {
      const entry = this.#audit[i]!;
      if (query.tenant !== null && entry.tenant !== query.tenant) continue;
      if (items.length === query.limit) {
        more = true;
        break;
      }
      items.push(structuredClone(entry));
      last = i;
    }
    const lastEntry = items.at(-1);
    const nextCursor =
      more && lastEntry ? encodeCursor({ at: lastEntry.at, id: String(last) }) : null;
    return { items, nextCursor };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

const NO_FEEDBACK: IncidentFeedback = Object.freeze({
  resolved: null,
  resolution: null,
  correctedCategory: null,
  helpful: 0,
  unhelpful: 0,
});

/** A copy with the optional fields filled in as the SQL stores read them back. */
function normalized(incident: StoredIncident): StoredIncident {
  return structuredClone({
    ...incident,
    lastSeenAt: incident.lastSeenAt ?? incident.receivedAt,
    feedback: incident.feedback ?? { ...NO_FEEDBACK },
  });
}

function newestFirst(a: StoredIncident, b: StoredIncident): number {
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? 1 : -1;
  return a.incidentId < b.incidentId ? 1 : a.incidentId > b.incidentId ? -1 : 0;
}
