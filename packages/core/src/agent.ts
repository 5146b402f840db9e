import { CATEGORY_DESCRIPTIONS, type Category } from './domain/categories.js';
import { ForbiddenError, NotFoundError, ValidationError } from './domain/errors.js';
import {
  ANONYMOUS,
  type AnalysisResult,
  type Evidence,
  type Page,
  type Principal,
  type ProcessLogInput,
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
import { governActions } from './pipeline/govern.js';
import { planActions } from './pipeline/plan.js';
import { PLUGIN_CATALOG, type PluginSpec } from './playbooks/plugin-catalog.js';
import type { Actuator } from './ports/actuator.js';
import { type Clock, systemClock } from './ports/clock.js';
import type { IncidentQuery, KnowledgeStore, VoteDirection } from './ports/knowledge-store.js';
import type { LlmClient } from './ports/llm-client.js';
import type { PolicyEngine } from './ports/policy-engine.js';
import type { SecretStore } from './ports/secret-store.js';
import { noopTelemetry, type Telemetry } from './ports/telemetry.js';
import { explains } from './reasoning/hypotheses.js';
import { runReasoning } from './reasoning/reasoning-loop.js';
import { LogAnalysis } from './signals/log-analysis.js';
import { streamRecords } from './signals/log-stream.js';
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
  actuators?: readonly Actuator[];
  telemetry?: Telemetry;
  clock?: Clock;
  reasoning?: Partial<ReasoningSettings>;
  /** Global stop: false makes every action `skipped`. */
  executionEnabled?: boolean;
  newId?: () => string;
}

export interface VoteResult {
  plugin: string;
  category: Category | null;
  up: number;
  down: number;
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
  listIncidents(
    query: Omit<IncidentQuery, 'tenant'>,
    principal?: Principal,
  ): Promise<Page<StoredIncident>>;
  readonly store: KnowledgeStore;
  readonly reasoning: Readonly<ReasoningSettings>;
  close(): Promise<void>;
}

/** Builds the agent. With no arguments every port uses its in-memory default. */
export function createAgent(options: AgentOptions = {}): Agent {
  const store = options.store ?? new MemoryKnowledgeStore();
  const policyEngine = options.policyEngine ?? new DefaultPolicyEngine();
  // Kept for the actuators and the LLM step that read secrets through the agent.
  void (options.secretStore ?? new MemorySecretStore());
  const telemetry = options.telemetry ?? noopTelemetry;
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const executionEnabled = options.executionEnabled ?? true;
  const reasoning: ReasoningSettings = Object.freeze({
    enableReflection: options.reasoning?.enableReflection ?? true,
    maxCycles: options.reasoning?.maxCycles ?? 2,
    target: options.reasoning?.target ?? 0.7,
  });
  const actuators = new Map((options.actuators ?? []).map((a) => [a.plugin, a]));

  let miner: TemplateMiner | null = null;
  const loadMiner = async () => {
    miner ??= new TemplateMiner(await store.loadMinerState());
    return miner;
  };

  /** Mode and principal rules every request obeys before any work is done. */
  function admit(input: Omit<ProcessLogInput, 'log'>) {
    const mode = input.mode ?? 'safe';
    const principal = input.principal ?? ANONYMOUS;
    if (mode === 'auto' && principal.role === 'anonymous') {
      throw new ForbiddenError('mode auto needs an authenticated API key');
    }
    return { mode, principal };
  }

  async function processLog(input: ProcessLogInput): Promise<AnalysisResult> {
    const started = clock.monotonicMs();
    if (typeof input.log !== 'string' || input.log.trim() === '') {
      throw new ValidationError('log: must be a non-empty string');
    }
    admit(input);
    const records = await telemetry.stage('ingest', async () =>
      ingestLog(redactSecrets(input.log)),
    );
    const analysis = new LogAnalysis(await loadMiner());
    await telemetry.stage('mine', async () => {
      for (const record of records) analysis.add(record);
    });
    return conclude(analysis, input, started);
  }

  async function processLogStream(input: ProcessLogStreamInput): Promise<AnalysisResult> {
    const started = clock.monotonicMs();
    admit(input);
    const analysis = new LogAnalysis(await loadMiner());
    await telemetry.stage('ingest', async () => {
      for await (const records of streamRecords(input.chunks)) {
        for (const record of records) analysis.add(record);
      }
    });
    if (analysis.records === 0) throw new ValidationError('log: must be a non-empty string');
    return conclude(analysis, input, started);
  }

  /** The stages after mining and signals, shared by the whole-text and streaming paths. */
  async function conclude(
    analysis: LogAnalysis,
    input: Omit<ProcessLogInput, 'log'>,
    started: number,
  ): Promise<AnalysisResult> {
    const { mode, principal } = admit(input);
    const strategy: Strategy =
      input.llmConfig?.strategy ?? (reasoning.enableReflection ? 'reflective' : 'classic');
    const context = input.context ?? {};
    const activeMiner = await loadMiner();
    const found = await telemetry.stage('signal', async () => analysis.finish());
    const { signals, hypotheses } = found;
    const provisionalSignature = found.signature(hypotheses[0]?.category ?? 'none');
    const similar = await telemetry.stage('recall', () =>
      store.findSimilar({ tenant: principal.tenant, signature: provisionalSignature, limit: 5 }),
    );
    const outcome = await telemetry.stage('reason', async () =>
      runReasoning(
        { signals, hypotheses, similar },
        {
          strategy,
          maxCycles: reasoning.maxCycles,
          target: reasoning.target,
          onTrace: input.onTrace,
        },
      ),
    );
    const category = outcome.category;
    const evidence = found.evidence(category);
    const severity = found.severity(category);
    const summary = summarize(category, evidence);
    const rootCause = explainRootCause(
      category,
      evidence,
      hypotheses.map((h) => h.category).filter((c) => explains(category, c)),
    );
    const entities = found.entities.result(context);

    const votes = await store.listVotes(category);
    const steps = await telemetry.stage('plan', async () =>
      planActions({ category, entities, summary, votes }),
    );
    const actions = await telemetry.stage('govern', () =>
      governActions(
        {
          steps,
          mode,
          category,
          confidence: outcome.confidence,
          learned: false,
          context,
          principal,
          executionEnabled,
          newId,
        },
        { policyEngine, actuators },
      ),
    );

    const incidentId = newId();
    const result: AnalysisResult = {
      incidentId,
      category,
      severity,
      confidence: outcome.confidence,
      summary,
      rootCause,
      evidence,
      templates: found.templates,
      similarIncidents: similar,
      actions,
      reasoning: {
        strategy,
        cycles: outcome.cycles,
        score: outcome.score,
        target: reasoning.target,
        trace: input.includeTrace === false ? [] : outcome.trace,
      },
      mode,
      durationMs: 0,
      signature: found.signature(category),
    };
    await telemetry.stage('record', async () => {
      result.durationMs = round(clock.monotonicMs() - started);
      await store.saveIncident({
        incidentId,
        tenant: principal.tenant,
        receivedAt: clock.now().toISOString(),
        category,
        severity,
        signature: result.signature,
        occurrences: 1,
        result,
      });
      await store.saveMinerState(activeMiner.exportState());
    });
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
      return { ...tally, score: round(wilsonLowerBound(tally.up, tally.down)) };
    },
    plugins: () => PLUGIN_CATALOG,
    async getIncident(incidentId, principal = ANONYMOUS) {
      const found = await store.getIncident(incidentId, tenantScope(principal));
      if (!found) throw new NotFoundError(`incident "${incidentId}" not found`);
      return found;
    },
    listIncidents: (query, principal = ANONYMOUS) =>
      store.listIncidents({ ...query, tenant: tenantScope(principal) }),
    store,
    reasoning,
    close: () => store.close(),
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
  const follow =
    others.length > 0
      ? ` It explains the ${others.map((c) => c.replaceAll('_', ' ')).join(', ')} that follow.`
      : '';
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
