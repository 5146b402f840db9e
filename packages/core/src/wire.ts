import type { Category } from './domain/categories.js';
import type {
  ActionStatus,
  AnalysisResult,
  Decision,
  Evidence,
  Mode,
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

// The HTTP contract speaks snake_case; TypeScript speaks camelCase. These are
// the only mappings between the two, shared by the API, the legacy app, the
// WebSocket and `devops-agent analyze --json`.

export interface WireEvidence {
  line: number;
  text: string;
  category: Category;
  weight: number;
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
}

export interface WireIncident extends WireResult {
  received_at: string;
  tenant: string;
  occurrences: number;
}

export function toWireEvidence(e: Evidence): WireEvidence {
  return { line: e.line, text: e.text, category: e.category, weight: e.weight };
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
  return {
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
  };
}

export function toWireIncident(i: StoredIncident): WireIncident {
  return {
    ...toWireResult(i.result),
    received_at: i.receivedAt,
    tenant: i.tenant,
    occurrences: i.occurrences,
  };
}
