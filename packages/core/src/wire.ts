import type { ActionRecord } from './domain/actions.js';
import type { Category } from './domain/categories.js';
import type {
  ActionStatus,
  AnalysisResult,
  Decision,
  Evidence,
  Mode,
  Page,
  PlannedAction,
  Risk,
  Severity,
  SimilarIncident,
  StoredIncident,
  Strategy,
  TemplateCount,
  TracePhase,
  TraceStep,
} from './domain/types.js';
import type { AuditEntry } from './ports/knowledge-store.js';

// The HTTP contract speaks snake_case; TypeScript speaks camelCase. These are
// the only mappings between the two, shared by the API, the legacy app, the
// WebSocket and `devops-agent analyze --json`.

export interface WireEvidence {
  line: number;
  text: string;
  category: Category;
  weight: number;
  /** Only on evidence from a learned pattern: the incident whose feedback taught it. */
  learned_from?: string;
}

export interface WireAction {
  action_id: string;
  plugin: string;
  operation: string;
  params: Record<string, unknown>;
  risk: Risk;
  description: string;
  decision: Decision;
  reasons: string[];
  status: ActionStatus;
  output?: string;
  error?: string;
}

export interface WireResult {
  incident_id: string;
  category: Category;
  severity: Severity;
  confidence: number;
  summary: string;
  root_cause: string;
  evidence: WireEvidence[];
  templates: { template_id: string; template: string; count: number }[];
  similar_incidents: {
    incident_id: string;
    category: Category;
    seen_at: string;
    resolved: boolean | null;
    resolution: string | null;
  }[];
  actions: WireAction[];
  reasoning: {
    strategy: Strategy;
    cycles: number;
    score: number;
    target: number;
    trace: { cycle: number; phase: TracePhase; message: string; score?: number }[];
  };
  mode: Mode;
  duration_ms: number;
  signature: string;
  occurrences: number;
  deduplicated: boolean;
  /** Present when the category came from a learned pattern. */
  learned?: { from_incident_id: string | null; observed_category: Category };
}

export interface WireIncident extends WireResult {
  received_at: string;
  last_seen_at: string;
  tenant: string;
  occurrences: number;
  feedback: {
    resolved: boolean | null;
    resolution: string | null;
    corrected_category: Category | null;
    helpful: number;
    unhelpful: number;
  };
}

export function toWireEvidence(e: Evidence): WireEvidence {
  const wire: WireEvidence = { line: e.line, text: e.text, category: e.category, weight: e.weight };
  if (e.learnedFrom !== undefined) wire.learned_from = e.learnedFrom;
  return wire;
}

export function toWireTemplate(t: TemplateCount): WireResult['templates'][number] {
  return { template_id: t.templateId, template: t.template, count: t.count };
}

export function toWireSimilar(s: SimilarIncident): WireResult['similar_incidents'][number] {
  return {
    incident_id: s.incidentId,
    category: s.category,
    seen_at: s.seenAt,
    resolved: s.resolved,
    resolution: s.resolution ?? null,
  };
}

export function toWireTraceStep(step: TraceStep): WireResult['reasoning']['trace'][number] {
  return step.score === undefined
    ? { cycle: step.cycle, phase: step.phase, message: step.message }
    : { cycle: step.cycle, phase: step.phase, message: step.message, score: step.score };
}

export function toWireAction(a: PlannedAction): WireAction {
  const wire: WireAction = {
    action_id: a.actionId,
    plugin: a.plugin,
    operation: a.operation,
    params: a.params,
    risk: a.risk,
    description: a.description,
    decision: a.decision,
    reasons: a.reasons,
    status: a.status,
  };
  if (a.output !== undefined) wire.output = a.output;
  if (a.error !== undefined) wire.error = a.error;
  return wire;
}

export function toWireResult(r: AnalysisResult): WireResult {
  const wire: WireResult = {
    incident_id: r.incidentId,
    category: r.category,
    severity: r.severity,
    confidence: r.confidence,
    summary: r.summary,
    root_cause: r.rootCause,
    evidence: r.evidence.map(toWireEvidence),
    templates: r.templates.map(toWireTemplate),
    similar_incidents: r.similarIncidents.map(toWireSimilar),
    actions: r.actions.map(toWireAction),
    reasoning: {
      strategy: r.reasoning.strategy,
      cycles: r.reasoning.cycles,
      score: r.reasoning.score,
      target: r.reasoning.target,
      trace: r.reasoning.trace.map(toWireTraceStep),
    },
    mode: r.mode,
    duration_ms: r.durationMs,
    signature: r.signature,
    occurrences: r.occurrences ?? 1,
    deduplicated: r.deduplicated ?? false,
  };
  if (r.learned !== undefined) {
    wire.learned = {
      from_incident_id: r.learned.fromIncidentId,
      observed_category: r.learned.observedCategory,
    };
  }
  return wire;
}

export function toWireIncident(i: StoredIncident): WireIncident {
  const feedback = i.feedback;
  // Set on toWireResult's new object rather than spread into another: on
  // Node 20 a spread followed by new fields costs microseconds per field.
  // Fields it has keep their place, new ones follow in this order, as with
  // the spread.
  const wire = toWireResult(i.result) as WireIncident;
  // The stored incident, not the log that first opened it, is what repeats.
  wire.incident_id = i.incidentId;
  wire.deduplicated = false;
  wire.received_at = i.receivedAt;
  wire.last_seen_at = i.lastSeenAt ?? i.receivedAt;
  wire.tenant = i.tenant;
  wire.occurrences = i.occurrences;
  wire.feedback = {
    resolved: feedback?.resolved ?? null,
    resolution: feedback?.resolution ?? null,
    corrected_category: feedback?.correctedCategory ?? null,
    helpful: feedback?.helpful ?? 0,
    unhelpful: feedback?.unhelpful ?? 0,
  };
  return wire;
}

/** A governed action as `GET /api/actions` and the approve/reject routes return it. */
export interface WireActionRecord extends WireAction {
  incident_id: string;
  tenant: string;
  target: string;
  created_at: string;
  updated_at: string;
  decided_by: string | null;
  expires_at: string | null;
  executed_at: string | null;
}

export function toWireActionRecord(a: ActionRecord): WireActionRecord {
  // Set on toWireAction's new object, for the reason given in toWireIncident.
  const wire = toWireAction(a) as WireActionRecord;
  wire.incident_id = a.incidentId;
  wire.tenant = a.tenant;
  wire.target = a.target;
  wire.created_at = a.createdAt;
  wire.updated_at = a.updatedAt;
  wire.decided_by = a.decidedBy;
  wire.expires_at = a.expiresAt;
  wire.executed_at = a.executedAt;
  return wire;
}

/** An audit entry as `GET /api/audit` returns it (the contract's fields). */
export interface WireAuditEntry {
  at: string;
  actor: string;
  tenant: string | null;
  event: string;
  subject: string | null;
  decision: string | null;
  reasons: string[];
  result: string | null;
}

export function toWireAuditEntry(e: AuditEntry): WireAuditEntry {
  return {
    at: e.at,
    actor: e.actor,
    tenant: e.tenant,
    event: e.event,
    subject: e.subject,
    decision: e.decision,
    reasons: e.reasons,
    result: e.result,
  };
}

/** A page of a list route: its items mapped to the wire, and the cursor of the next one. */
export function toWirePage<T, W>(
  page: Page<T>,
  toWire: (item: T) => W,
): { items: W[]; next_cursor: string | null } {
  return { items: page.items.map(toWire), next_cursor: page.nextCursor };
}
