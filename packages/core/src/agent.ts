import type { ActionRecord } from './domain/actions.js';
import { CATEGORY_DESCRIPTIONS, type Category } from './domain/categories.js';
import { ForbiddenError, NotFoundError, ValidationError } from './domain/errors.js';
import {
  ANONYMOUS,
  type AnalysisResult,
  type Evidence,
  type Page,
  type Principal,
  type ProcessLogInput,
  type SimilarIncident,
  type StoredIncident,
  type Strategy,
} from './domain/types.js';
import { ingestLog } from './ingest/ingest-log.js';
import type { LogRecord } from './ingest/log-record.js';
import { redactSecrets } from './ingest/redact.js';
import { DefaultPolicyEngine } from './memory/default-policy-engine.js';
import { MemoryKnowledgeStore } from './memory/memory-knowledge-store.js';
import { MemorySecretStore } from './memory/memory-secret-store.js';
import { TemplateMiner } from './mining/template-miner.js';
import { type ActionListQuery, createRemediation } from './pipeline/remediation.js';
import { PLUGIN_CATALOG, type PluginSpec } from './playbooks/plugin-catalog.js';
import type { Actuator } from './ports/actuator.js';
import { type Clock, systemClock } from './ports/clock.js';
import type {
  ActionOutcome,
  AuditEntry,
  FeedbackRecord,
  IncidentQuery,
  KnowledgeStore,
  LearnedPattern,
  VoteDirection,
} from './ports/knowledge-store.js';
import type { LlmClient } from './ports/llm-client.js';
import type { PolicyEngine } from './ports/policy-engine.js';
import type { SecretStore } from './ports/secret-store.js';
import { noopTelemetry, type Telemetry } from './ports/telemetry.js';
import { explains } from './reasoning/hypotheses.js';
import {
  checkLlmOptions,
  consultLlm,
  DEFAULT_LLM_SETTINGS,
  type LlmSettings,
} from './reasoning/llm-step.js';
import { runReasoning } from './reasoning/reasoning-loop.js';
import { LogAnalysis } from './signals/log-analysis.js';
import { streamRecords } from './signals/log-stream.js';
import { timeOrderedId } from './util/time-ordered-id.js';
import { wilsonLowerBound } from './util/wilson.js';

export interface ReasoningSettings {
  /** false: classic, one pass. */
  enableReflection: boolean;
  maxCycles: number;
  target: number;
}

export interface AgentOptions {
  store?: KnowledgeStore;
  policyEngine?: PolicyEngine;
  secretStore?: SecretStore;
  llmClient?: LlmClient | null;
  /** Limits of the LLM step (time cap, prompt budget, cache, what a request may choose). */
  llm?: Partial<LlmSettings>;
  actuators?: readonly Actuator[];
  telemetry?: Telemetry;
  clock?: Clock;
  reasoning?: Partial<ReasoningSettings>;
  /** Global stop: false makes every action `skipped`. */
  executionEnabled?: boolean;
  /** Pending approvals expire this long after they are planned (`APPROVAL_TTL_SEC`, default 86400). */
  approvalTtlSec?: number;
  /**
   * Names this process in the execution claims it holds (default `agent`);
   * stable across its restarts and distinct from other processes sharing the
   * store. See `recoverInterruptedExecutions`.
   */
  executorId?: string;
  /** A claim not updated for this long is an interrupted execution (default 900 s). */
  interruptedAfterSec?: number;
  /**
   * Whether the licence grants the `auto_remediation` feature; asked for every
   * auto-mode request and every approval. Default: always (licensing off).
   */
  autoRemediationAllowed?: () => Promise<boolean>;
  /** Directories a path taken from a log may point into (the policy file's `allowed_path_roots`). */
  allowedPathRoots?: readonly string[];
  /**
   * Ids of new incidents, actions and learned patterns. Defaults to UUIDv7
   * (`timeOrderedId`): ordered by creation time, so each new row goes to the
   * end of the store's primary-key index instead of a random page of it.
   * With random (v4) ids, a SQLite store's new-incident path cost 2 to 8%
   * more CPU, and its p99 was higher, in `pnpm bench:store`.
   */
  newId?: () => string;
  /**
   * A log whose tenant and signature match an incident seen less than this
   * many seconds ago is one more occurrence of it, with no new actions
   * (`DEDUP_WINDOW_SEC`). Default 0: off, every log is a new incident.
   */
  dedupWindowSec?: number;
  /**
   * The template miner's state is saved at most this often (and when the
   * agent closes), not on every request. Default 5000 ms; 0 saves every time.
   */
  minerSaveIntervalMs?: number;
}

/** Operator feedback on an incident (`POST /api/incidents/{id}/feedback`). */
export interface FeedbackInput {
  incidentId: string;
  /** The category the incident really was. */
  category?: Category | undefined;
  resolved?: boolean | undefined;
  helpful?: boolean | undefined;
  /** With `outcome`: the action (of this incident) whose result is reported. */
  actionId?: string | undefined;
  outcome?: ActionOutcome | undefined;
  principal?: Principal | undefined;
}

export interface FeedbackResult {
  incidentId: string;
  /** True when a corrected category was kept as a learned pattern. */
  learned: boolean;
}

export interface VoteResult {
  plugin: string;
  category: Category | null;
  up: number;
  down: number;
  /** Reported outcomes of the plugin's actions in this category (feedback). */
  successes: number;
  failures: number;
  score: number;
}

/** A log that arrives in pieces (a large file, standard input): analysed in bounded memory. */
export interface ProcessLogStreamInput extends Omit<ProcessLogInput, 'log'> {
  chunks: AsyncIterable<string> | Iterable<string>;
}

export interface Agent {
  processLog(input: ProcessLogInput): Promise<AnalysisResult>;
  /** The same diagnosis as `processLog` for the concatenated chunks, without holding them all. */
  processLogStream(input: ProcessLogStreamInput): Promise<AnalysisResult>;
  votePlugin(input: {
    plugin: string;
    direction: VoteDirection;
    category?: Category | null | undefined;
    principal?: Principal | undefined;
  }): Promise<VoteResult>;
  plugins(): readonly PluginSpec[];
  getIncident(incidentId: string, principal?: Principal): Promise<StoredIncident>;
  /** Learns from what an operator says about an incident of their tenant. */
  giveFeedback(input: FeedbackInput): Promise<FeedbackResult>;
  /** Deletes incidents (and their actions) last seen more than `retentionDays` ago; audit stays. */
  pruneIncidents(retentionDays: number): Promise<number>;
  listIncidents(
    query: Omit<IncidentQuery, 'tenant'>,
    principal?: Principal,
  ): Promise<Page<StoredIncident>>;
  /** Governed actions, newest first (expired approvals are closed first). Admins see every tenant. */
  listActions(query: ActionListQuery, principal?: Principal): Promise<Page<ActionRecord>>;
  /** Runs a pending action exactly once (`action_not_pending` for every other caller). */
  approveAction(actionId: string, principal: Principal): Promise<ActionRecord>;
  /** Closes a pending action without running it, exactly once. */
  rejectAction(actionId: string, principal: Principal, reason?: string): Promise<ActionRecord>;
  /** The audit log, newest first. Admins see every tenant. */
  listAudit(
    query: { limit: number; cursor?: string | undefined },
    principal?: Principal,
  ): Promise<Page<AuditEntry>>;
  /** Closes every pending approval past `APPROVAL_TTL_SEC` (each audited); how many. */
  expireApprovals(): Promise<number>;
  /**
   * Marks `failed` (audited) the executions whose process stopped before
   * writing their outcome: with `startup`, every claim of this `executorId`
   * (none can be running yet); always, anyone's claim idle past
   * `interruptedAfterSec`. Returns how many.
   */
  recoverInterruptedExecutions(options?: { startup?: boolean }): Promise<number>;
  readonly store: KnowledgeStore;
  readonly reasoning: Readonly<ReasoningSettings>;
  close(): Promise<void>;
}

/** Builds the agent. With no arguments every port uses its in-memory default. */
export function createAgent(options: AgentOptions = {}): Agent {
  const store = options.store ?? new MemoryKnowledgeStore();
  const policyEngine = options.policyEngine ?? new DefaultPolicyEngine();
  // The actuators read the secrets their configuration names through the agent.
  const secretStore = options.secretStore ?? new MemorySecretStore();
  const telemetry = options.telemetry ?? noopTelemetry;
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? timeOrderedId;
  const executionEnabled = options.executionEnabled ?? true;
  const reasoning: ReasoningSettings = Object.freeze({
    enableReflection: options.reasoning?.enableReflection ?? true,
    maxCycles: options.reasoning?.maxCycles ?? 2,
    target: options.reasoning?.target ?? 0.7,
  });
  const llmClient = options.llmClient ?? null;
  const llmSettings: LlmSettings = Object.freeze({ ...DEFAULT_LLM_SETTINGS, ...options.llm });
  const actuators = new Map((options.actuators ?? []).map((a) => [a.plugin, a]));
  const dedupWindowSec = Math.max(0, options.dedupWindowSec ?? 0);
  const remediation = createRemediation({
    store,
    policyEngine,
    actuators,
    secrets: secretStore,
    clock,
    newId,
    executionEnabled,
    approvalTtlSec: options.approvalTtlSec,
    executorId: options.executorId,
    interruptedAfterSec: options.interruptedAfterSec,
    autoRemediationAllowed: options.autoRemediationAllowed,
    allowedPathRoots: options.allowedPathRoots,
    onPolicyDecision: (engine, decision) => telemetry.policyDecided?.(engine, decision),
    onActionUpdated: (action) => telemetry.actionUpdated?.(action),
  });
  const minerSaveIntervalMs = Math.max(0, options.minerSaveIntervalMs ?? 5000);

  let miner: TemplateMiner | null = null;
  const loadMiner = async () => {
    miner ??= new TemplateMiner(await store.loadMinerState());
    return miner;
  };

  // Saving the miner on every request serialised its whole state each time
  // (the hot path of process_log). Its state is a cache of templates whose
  // ids derive from their content, so losing the last few seconds of it to a
  // crash costs nothing but a little re-learning: save at most once per
  // interval, in the background, and once more on close.
  let minerDirty = false;
  let minerSavedAt = Number.NEGATIVE_INFINITY;
  let minerSaving: Promise<void> | null = null;
  function saveMiner(force: boolean): Promise<void> {
    if (!miner || !minerDirty || minerSaving) return minerSaving ?? Promise.resolve();
    const now = clock.monotonicMs();
    if (!force && now - minerSavedAt < minerSaveIntervalMs) return Promise.resolve();
    minerDirty = false;
    minerSavedAt = now;
    minerSaving = store
      .saveMinerState(miner.exportState())
      .catch(() => {
        // The store is unavailable; keep the changes for the next attempt.
        minerDirty = true;
      })
      .finally(() => {
        minerSaving = null;
      });
    return minerSaving;
  }

  /** Mode and principal rules every request obeys before any work is done. */
  function admit(input: Omit<ProcessLogInput, 'log'>) {
    const mode = input.mode ?? 'safe';
    const principal = input.principal ?? ANONYMOUS;
    if (mode === 'auto' && principal.role === 'anonymous') {
      throw new ForbiddenError('mode auto needs an authenticated API key');
    }
    checkLlmOptions(input.llmConfig, llmSettings, llmClient?.defaultModel);
    return { mode, principal };
  }

  async function processLog(input: ProcessLogInput): Promise<AnalysisResult> {
    const started = clock.monotonicMs();
    if (typeof input.log !== 'string' || input.log.trim() === '') {
      throw new ValidationError('log: must be a non-empty string');
    }
    const admitted = admit(input);
    const records = await telemetry.stage('ingest', async () =>
      ingestLog(redactSecrets(input.log)),
    );
    const analysis = new LogAnalysis(await loadMiner());
    await telemetry.stage('mine', async () => {
      for (const record of records) analysis.add(record);
    });
    return conclude(analysis, input, admitted, started);
  }

  async function processLogStream(input: ProcessLogStreamInput): Promise<AnalysisResult> {
    const started = clock.monotonicMs();
    const admitted = admit(input);
    const analysis = new LogAnalysis(await loadMiner());
    await telemetry.stage('ingest', async () => {
      for await (const records of streamRecords(input.chunks)) {
        for (const record of records) analysis.add(record);
      }
    });
    if (analysis.records === 0) throw new ValidationError('log: must be a non-empty string');
    return conclude(analysis, input, admitted, started);
  }

  /** The stages after mining and signals, shared by the whole-text and streaming paths. */
  async function conclude(
    analysis: LogAnalysis,
    input: Omit<ProcessLogInput, 'log'>,
    { mode, principal }: ReturnType<typeof admit>,
    started: number,
  ): Promise<AnalysisResult> {
    const strategy: Strategy =
      input.llmConfig?.strategy ?? (reasoning.enableReflection ? 'reflective' : 'classic');
    const context = input.context ?? {};
    const found = await telemetry.stage('signal', async () => analysis.finish());
    const { signals, hypotheses } = found;
    const provisionalSignature = found.signature(hypotheses[0]?.category ?? 'none');
    const recalled = await telemetry.stage('recall', () =>
      store.findSimilar({
        tenant: principal.tenant,
        signature: provisionalSignature,
        limit: SIMILAR_LIMIT + 1,
      }),
    );
    const reasoned = await telemetry.stage('reason', async () =>
      runReasoning(
        { signals, hypotheses, similar: recalled.slice(0, SIMILAR_LIMIT) },
        {
          strategy,
          maxCycles: reasoning.maxCycles,
          target: reasoning.target,
          onTrace: input.onTrace,
        },
      ),
    );
    // An LLM, when configured and when it can help, proposes one more
    // hypothesis; it is scored on this log's evidence and wins only on score.
    // Without an LLM there is no stage to trace: consultLlm only notes why.
    const consult = () =>
      consultLlm(
        { client: llmClient, settings: llmSettings, store, clock, telemetry },
        {
          tenant: principal.tenant,
          strategy,
          options: input.llmConfig,
          heuristic: reasoned,
          target: reasoning.target,
          analysis: {
            records: found.records,
            signals,
            hypotheses,
            templates: found.templates,
            evidence: found.evidence,
            signature: found.signature(reasoned.category),
          },
          context,
          note(phase, message, score) {
            const step = { cycle: reasoned.cycles, phase, message, score: round(score) };
            reasoned.trace.push(step);
            input.onTrace?.(step);
          },
        },
      );
    const llmConclusion = await (llmClient ? telemetry.stage('llm', consult) : consult());
    const outcome = llmConclusion
      ? {
          ...reasoned,
          category: llmConclusion.category,
          confidence: llmConclusion.confidence,
          score: llmConclusion.confidence,
          learned: reasoned.learned || llmConclusion.replaced,
        }
      : reasoned;
    const llmTexts = llmConclusion?.replaced ? llmConclusion : null;
    // The signature is that of what the log shows (observed category and its
    // failing templates), so a corrected incident, its learned pattern and
    // every later log that looks the same share it.
    const observed = outcome.category;
    const signature = found.signature(observed);
    const [pattern, similarAll] = await telemetry.stage('recall', () =>
      Promise.all([
        store.findLearnedPattern(principal.tenant, signature),
        signature === provisionalSignature
          ? recalled
          : store.findSimilar({ tenant: principal.tenant, signature, limit: SIMILAR_LIMIT + 1 }),
      ]),
    );
    const learned = pattern !== null && pattern.category !== observed ? pattern : null;
    const category = learned ? learned.category : observed;
    const confidence = learned
      ? Math.max(outcome.confidence, LEARNED_CONFIDENCE)
      : outcome.confidence;
    const trace = input.includeTrace === false ? [] : outcome.trace;
    if (learned) {
      const step = {
        cycle: outcome.cycles,
        phase: 'decide' as const,
        message: `learned pattern from incident ${learned.sourceIncidentId ?? '(pruned)'}: operators corrected ${observed} to ${category} for this signature`,
        score: confidence,
      };
      input.onTrace?.(step);
      if (input.includeTrace !== false) trace.push(step);
    }
    const observedEvidence = found.evidence(category);
    const evidence = learned
      ? [learnedEvidence(learned, observed, observedEvidence), ...observedEvidence]
      : observedEvidence;
    const severity = found.severity(category);
    const summary =
      !learned && llmTexts?.summary ? llmTexts.summary : summarize(category, evidence);
    const rootCause = learned
      ? `${explainRootCause(category, observedEvidence, [])} Learned from operator feedback on incident ${learned.sourceIncidentId ?? '(pruned)'}: the log alone points to ${observed}.`
      : llmTexts?.rootCause
        ? `${llmTexts.rootCause} (Proposed by the LLM and scored on this log's evidence.)`
        : explainRootCause(
            category,
            evidence,
            hypotheses.map((h) => h.category).filter((c) => explains(category, c)),
          );
    const entities = found.entities.result(context);

    const newIncidentId = newId();
    const result: AnalysisResult = {
      incidentId: newIncidentId,
      category,
      severity,
      confidence,
      summary,
      rootCause,
      evidence,
      templates: found.templates,
      similarIncidents: similarAll.slice(0, SIMILAR_LIMIT),
      actions: [],
      reasoning: {
        strategy: llmTexts && !learned ? 'llm' : strategy,
        cycles: outcome.cycles,
        score: outcome.score,
        target: reasoning.target,
        trace,
      },
      mode,
      durationMs: 0,
      signature,
      occurrences: 1,
      deduplicated: false,
    };
    if (learned) {
      result.learned = { fromIncidentId: learned.sourceIncidentId, observedCategory: observed };
    }
    const receivedAt = clock.now().toISOString();
    result.durationMs = round(clock.monotonicMs() - started);

    // Claim the incident before planning: a repeat within the window (decided
    // atomically by the store, across replicas) plans and executes nothing.
    const occurrence = await telemetry.stage('record', () =>
      store.recordIncident(
        {
          incidentId: newIncidentId,
          tenant: principal.tenant,
          receivedAt,
          lastSeenAt: receivedAt,
          category,
          severity,
          signature,
          occurrences: 1,
          result,
        },
        dedupWindowSec,
      ),
    );
    if (occurrence.deduplicated) {
      result.incidentId = occurrence.incidentId;
      result.occurrences = occurrence.occurrences;
      result.deduplicated = true;
      result.similarIncidents = withoutIncident(similarAll, occurrence.incidentId);
      result.durationMs = round(clock.monotonicMs() - started);
    } else {
      result.similarIncidents = withoutIncident(similarAll, newIncidentId);
      result.actions = await remediation.remediate(
        {
          incidentId: newIncidentId,
          category,
          confidence,
          learned: learned !== null || outcome.learned,
          mode,
          context,
          principal,
          entities,
          summary,
          evidence,
          resultWith: (actions) => {
            result.actions = actions;
            result.durationMs = round(clock.monotonicMs() - started);
            return result;
          },
        },
        (name, run) => telemetry.stage(name, run),
      );
      result.durationMs = round(clock.monotonicMs() - started);
    }
    minerDirty = true;
    void saveMiner(false);
    telemetry.processed(result);
    return result;
  }

  return {
    processLog,
    processLogStream,
    async votePlugin({ plugin, direction, category = null, principal = ANONYMOUS }) {
      if (!PLUGIN_CATALOG.some((p) => p.name === plugin)) {
        throw new NotFoundError(
          `plugin "${plugin}" is not known; known plugins: ${PLUGIN_CATALOG.map((p) => p.name).join(', ')}`,
        );
      }
      const tally = await store.recordVote({
        plugin,
        direction,
        category,
        tenant: principal.tenant,
      });
      const successes = tally.successes ?? 0;
      const failures = tally.failures ?? 0;
      return {
        plugin: tally.plugin,
        category: tally.category,
        up: tally.up,
        down: tally.down,
        successes,
        failures,
        // What ranking uses: votes and reported outcomes together.
        score: round(wilsonLowerBound(tally.up + successes, tally.down + failures)),
      };
    },
    plugins: () => PLUGIN_CATALOG,
    async getIncident(incidentId, principal = ANONYMOUS) {
      const found = await store.getIncident(incidentId, tenantScope(principal));
      if (!found) throw new NotFoundError(`incident "${incidentId}" not found`);
      // Actions approved, rejected or expired since show as they are now.
      return remediation.withCurrentActions(found);
    },
    giveFeedback,
    async pruneIncidents(retentionDays) {
      if (!(retentionDays > 0)) throw new ValidationError('retentionDays: must be positive');
      const before = new Date(clock.now().getTime() - retentionDays * 86_400_000).toISOString();
      return store.pruneIncidents(before);
    },
    listIncidents: (query, principal = ANONYMOUS) =>
      store.listIncidents({ ...query, tenant: tenantScope(principal) }),
    listActions: (query, principal = ANONYMOUS) => remediation.listActions(query, principal),
    approveAction: (actionId, principal) => remediation.approve(actionId, principal),
    rejectAction: (actionId, principal, reason) => remediation.reject(actionId, principal, reason),
    listAudit: (query, principal = ANONYMOUS) => remediation.listAudit(query, principal),
    expireApprovals: () => remediation.expireApprovals(),
    recoverInterruptedExecutions: (recovery) =>
      remediation.recoverInterruptedExecutions({ startup: recovery?.startup === true }),
    store,
    reasoning,
    async close() {
      await saveMiner(true);
      await store.close();
    },
  };

  async function giveFeedback(input: FeedbackInput): Promise<FeedbackResult> {
    const principal = input.principal ?? ANONYMOUS;
    const given = [input.category, input.resolved, input.helpful, input.outcome].some(
      (v) => v !== undefined,
    );
    if (!given) {
      throw new ValidationError(
        'body: give at least one of category, resolved, helpful or action_id with outcome',
      );
    }
    if ((input.actionId === undefined) !== (input.outcome === undefined)) {
      throw new ValidationError(
        input.actionId === undefined
          ? 'action_id: required with outcome (the action whose outcome is reported)'
          : 'outcome: required with action_id ("success" or "failure")',
      );
    }
    const incident = await store.getIncident(input.incidentId, tenantScope(principal));
    if (!incident) throw new NotFoundError(`incident "${input.incidentId}" not found`);

    const at = clock.now().toISOString();
    const record: FeedbackRecord = {
      incidentId: incident.incidentId,
      tenant: incident.tenant,
      resolved: input.resolved,
      helpful: input.helpful,
      audit: {
        at,
        actor: principal.keyId ?? principal.role,
        tenant: incident.tenant,
        event: 'incident.feedback',
        subject: incident.incidentId,
        decision: null,
        reasons: [],
        result: null,
      },
    };
    const reasons = record.audit.reasons;
    if (input.resolved !== undefined) reasons.push(`resolved: ${input.resolved}`);
    if (input.helpful !== undefined) reasons.push(`helpful: ${input.helpful}`);

    // What the incident was diagnosed as, before any learned pattern changed it.
    const observed = incident.result.learned?.observedCategory ?? incident.category;
    const current = incident.feedback?.correctedCategory ?? incident.category;
    let learned = false;
    if (input.category !== undefined) {
      reasons.push(`category: ${current} -> ${input.category}`);
      record.correctedCategory = input.category;
      if (input.category !== current || input.category !== observed) {
        record.pattern = {
          id: newId(),
          tenant: incident.tenant,
          signature: incident.signature,
          category: input.category,
          sourceIncidentId: incident.incidentId,
          createdAt: at,
        } satisfies LearnedPattern;
        learned = input.category !== current;
      }
    }
    if (input.actionId !== undefined && input.outcome !== undefined) {
      const action = incident.result.actions.find((a) => a.actionId === input.actionId);
      if (!action) {
        throw new NotFoundError(
          `action "${input.actionId}" not found in incident "${incident.incidentId}"`,
        );
      }
      record.outcome = {
        plugin: action.plugin,
        category: input.category ?? current,
        outcome: input.outcome,
      };
      if (input.outcome === 'success') {
        record.resolution = `${action.plugin}.${action.operation} succeeded`;
      }
      reasons.push(
        `action ${action.actionId} (${action.plugin}.${action.operation}): ${input.outcome}`,
      );
    }
    record.audit.result = learned ? 'learned' : 'recorded';
    await store.recordFeedback(record);
    return { incidentId: incident.incidentId, learned };
  }
}

/** Similar incidents shown in a result and weighed by reasoning. */
const SIMILAR_LIMIT = 5;

/**
 * Confidence of a category operators taught: they looked at this failure, so
 * it is at least this sure, while `learned: true` still makes the default
 * policy ask for approval before acting on it.
 */
const LEARNED_CONFIDENCE = 0.8;

function withoutIncident(
  similar: readonly SimilarIncident[],
  incidentId: string,
): SimilarIncident[] {
  return similar.filter((s) => s.incidentId !== incidentId).slice(0, SIMILAR_LIMIT);
}

/** The evidence entry that says the category was learned, and from which incident. */
function learnedEvidence(
  pattern: LearnedPattern,
  observed: Category,
  evidence: readonly Evidence[],
): Evidence {
  const from = pattern.sourceIncidentId ?? '(pruned)';
  return {
    // The log line the observed diagnosis rests on, so `line` stays a line of this log.
    line: evidence[0]?.line ?? 1,
    text: `learned from incident ${from}: operators corrected ${observed} to ${pattern.category} for logs with this signature`,
    category: pattern.category,
    weight: 1,
    learnedFrom: from,
  };
}

function tenantScope(principal: Principal): string | null {
  return principal.role === 'admin' ? null : principal.tenant;
}

function summarize(category: Category, evidence: readonly Evidence[]): string {
  if (category === 'none') return 'No failure found: the log shows normal operation.';
  const first = evidence.find((e) => e.category === category) ?? evidence[0];
  const label = category.replaceAll('_', ' ');
  return first ? `${label}: ${clip(oneLine(first.text), 160)}` : `${label} detected`;
}

function explainRootCause(
  category: Category,
  evidence: readonly Evidence[],
  seen: readonly Category[],
): string {
  if (category === 'none') return 'Nothing went wrong in the submitted log.';
  const first = evidence.find((e) => e.category === category);
  const where = first
    ? ` First seen at line ${first.line}: "${clip(oneLine(first.text), 200)}".`
    : '';
  const others = seen.filter((c) => c !== category);
  const names = others.map((c) => c.replaceAll('_', ' '));
  const list =
    names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];
  const follow = list ? ` It also explains the ${list} seen in the log.` : '';
  const description = CATEGORY_DESCRIPTIONS[category];
  return `${description[0]?.toUpperCase()}${description.slice(1)}.${where}${follow}`;
}

function oneLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export type { LogRecord };
