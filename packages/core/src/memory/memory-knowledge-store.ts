import type { Category } from '../domain/categories.js';
import { ValidationError } from '../domain/errors.js';
import type { Page, SimilarIncident, StoredIncident } from '../domain/types.js';
import type {
  IncidentQuery,
  KnowledgeStore,
  MinerState,
  SimilarQuery,
  VoteInput,
  VoteTally,
} from '../ports/knowledge-store.js';
import { decodeCursor, encodeCursor } from '../util/cursor.js';

/**
 * The in-process KnowledgeStore: what `createAgent()` uses with no arguments
 * and what the CLI uses without `--db`. Nothing survives the process.
 */
export class MemoryKnowledgeStore implements KnowledgeStore {
  readonly #incidents = new Map<string, StoredIncident>();
  readonly #votes = new Map<string, VoteTally>();
  #minerState: MinerState | null = null;

  async saveIncident(incident: StoredIncident): Promise<void> {
    this.#incidents.set(incident.incidentId, structuredClone(incident));
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
        category: i.category,
        seenAt: i.receivedAt,
        resolved: null,
      }));
  }

  async recordVote(vote: VoteInput): Promise<VoteTally> {
    const key = `${vote.plugin}\u0000${vote.category ?? ''}`;
    const tally = this.#votes.get(key) ?? {
      plugin: vote.plugin,
      category: vote.category,
      up: 0,
      down: 0,
    };
    const next = {
      ...tally,
      up: tally.up + (vote.direction === 'up' ? 1 : 0),
      down: tally.down + (vote.direction === 'down' ? 1 : 0),
    };
    this.#votes.set(key, next);
    return { ...next };
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

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

function newestFirst(a: StoredIncident, b: StoredIncident): number {
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? 1 : -1;
  return a.incidentId < b.incidentId ? 1 : a.incidentId > b.incidentId ? -1 : 0;
}
