import { hostname } from 'node:os';
import { createGovernance, createLlmClient } from '@agent/adapters';
import {
  createKeyring,
  createLicenseChecker,
  createRateLimiter,
  type Keyring,
  type LicenseChecker,
  type RateLimiter,
} from '@agent/auth';
import {
  type AgentConfig,
  defaultWebsocketUrl,
  type PublicConfig,
  publicConfig,
} from '@agent/config';
import { type Agent, createAgent } from '@agent/core';
import { createKnowledgeStore, type SqlKnowledgeStore } from '@agent/knowledge';
import {
  createLogger,
  createMetrics,
  injectTraceHeaders,
  type Logger,
  type Metrics,
  type SpanExporter,
  setupTracing,
  type Tracing,
} from '@agent/observability';
import { createAgentTelemetry } from './agent-telemetry.js';
import { createMemoryIncidentEvents, type IncidentEvents } from './events/incident-events.js';
import { publishingIncidents } from './events/publish-incidents.js';
import { createRedisIncidentEvents } from './events/redis-incident-events.js';
import { createLlmObserver } from './llm-observer.js';
import { type RemediationSweep, startRemediationSweep } from './remediation-sweep.js';
import { type Retention, startRetention } from './retention.js';
import {
  tracedActuator,
  tracedPolicyEngine,
  tracedSecretStore,
  tracedStore,
} from './traced-ports.js';
import { VERSION } from './version.js';

/** Everything a running app needs, built once by the composition root. */
export interface Runtime {
  readonly config: AgentConfig;
  /** What `/api/config` shows: built from the variables' metadata, never a secret. */
  readonly publicConfig: PublicConfig;
  readonly version: string;
  readonly startedAt: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracing: Tracing;
  readonly store: SqlKnowledgeStore;
  readonly agent: Agent;
  readonly keyring: Keyring;
  readonly rateLimiter: RateLimiter;
  readonly license: LicenseChecker;
  /** Readiness checks of the configured remediation backends (`opa`, `vault`). */
  readonly backendChecks: Readonly<Record<string, () => Promise<void>>>;
  /** New incidents, for WebSocket subscribers (through Redis pub/sub when REDIS_URL is set). */
  readonly incidentEvents: IncidentEvents;
  /** Prunes incidents past INCIDENT_RETENTION_DAYS at start-up and hourly. */
  readonly retention: Retention;
  /**
   * Expires pending approvals past APPROVAL_TTL_SEC and ends executions
   * interrupted by a stopped server, at start-up (before the runtime is
   * returned) and then periodically.
   */
  readonly remediationSweep: RemediationSweep;
  /**
   * Tells the runtime the port it listens on. With PORT=0 the advertised
   * WebSocket URL names the bound port (unless WEBSOCKET_URL was set).
   */
  listeningOn(port: number): void;
  /** Flushes spans and closes the store and limiter. Safe to call twice. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger?: Logger;
  /** Service name in traces and logs. */
  serviceName?: string;
  /** Where environment secrets are read (default: the process environment). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where spans go when tracing is on, instead of the console or OTLP exporter (tests). */
  spanExporter?: SpanExporter;
}

/**
 * Builds every adapter once from configuration, then the agent. Backends
 * whose variable is unset use their embedded default (SQLite, built-in
 * policy, in-memory rate limits, no LLM), so this works with no other
 * process running.
 */
export async function createRuntime(
  config: AgentConfig,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const serviceName = options.serviceName ?? 'devops-agent-api';
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      format: config.logFormat,
      base: { service: serviceName },
    });
  const metrics = createMetrics({ collectDefault: true });
  const tracing = setupTracing({
    enabled: config.tracing.enabled,
    serviceName,
    serviceVersion: VERSION,
    ...(config.tracing.otlpEndpoint ? { otlpEndpoint: config.tracing.otlpEndpoint } : {}),
    ...(options.spanExporter ? { exporter: options.spanExporter } : {}),
    logger,
  });
  // Policy, secrets and actuators. Unset variables mean the embedded
  // defaults: the built-in policy, environment secrets, and actuators that
  // are not configured, so nothing can run until an operator allows it. A
  // policy or secrets file that cannot be used stops start-up here.
  const governance = createGovernance({
    policyFile: config.policyFile,
    opa: config.opa,
    secretsFile: config.secretsFile,
    vault: config.vault,
    notifyWebhookUrl: config.notifyWebhookUrl,
    env: options.env ?? process.env,
    decorateHeaders: tracing.enabled ? (headers) => injectTraceHeaders(headers) : undefined,
  });
  const store = await createKnowledgeStore({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dbPath: config.dbPath }),
    logger,
  });
  // Which database, and on SQLite which engine and driver build this Node loads.
  logger.info({ store: store.dialect }, `knowledge store: ${store.description}`);
  const rateLimiter = await createRateLimiter({
    requests: config.rateLimit.requests,
    windowSec: config.rateLimit.windowSec,
    redisUrl: config.redisUrl,
    logger,
  });
  const keyring = createKeyring({ apiKeys: [...config.apiKeys], adminKeys: [...config.adminKeys] });
  const license = createLicenseChecker({
    required: config.license.required,
    key: config.license.key,
    signingSecret: config.license.signingSecret,
    publicKey: config.license.publicKey,
  });
  const incidentEvents = config.redisUrl
    ? await createRedisIncidentEvents({ url: config.redisUrl, logger })
    : createMemoryIncidentEvents(logger);
  // No LLM unless LLM_BASE_URL or LLM_ENDPOINT is set (LLM_PROVIDER picks).
  const llmClient = createLlmClient(config.llm, {
    observer: createLlmObserver(metrics, tracing.enabled ? tracing.tracer : null),
  });
  // Tracing on: a span for each store query, policy decision, secret read and actuator call.
  const tracer = tracing.enabled ? tracing.tracer : null;
  const baseAgent = createAgent({
    store: tracer ? tracedStore(store, tracer) : store,
    policyEngine: tracer
      ? tracedPolicyEngine(governance.policyEngine, tracer)
      : governance.policyEngine,
    secretStore: tracer
      ? tracedSecretStore(governance.secretStore, tracer)
      : governance.secretStore,
    actuators: tracer
      ? governance.actuators.map((actuator) => tracedActuator(actuator, tracer))
      : governance.actuators,
    allowedPathRoots: governance.allowedPathRoots,
    telemetry: createAgentTelemetry(metrics, tracing.enabled ? tracing.tracer : null),
    reasoning: {
      enableReflection: config.reasoning.enableReflection,
      maxCycles: config.reasoning.maxCycles,
      target: config.reasoning.targetScore,
    },
    executionEnabled: config.executionEnabled,
    approvalTtlSec: config.approvalTtlSec,
    // Licensing off: allowed; on: the licence must grant auto_remediation.
    autoRemediationAllowed: () => license.allows('auto_remediation'),
    llmClient,
    llm: {
      timeoutMs: config.llm.timeoutMs,
      maxInputTokens: config.llm.maxInputTokens,
      cacheTtlSec: config.llm.cacheTtlSec,
      allowedModels: config.llm.allowedModels,
      maxTemperature: config.llm.maxTemperature,
    },
    dedupWindowSec: config.dedupWindowSec,
    // Stable across restarts of this server, distinct from other replicas
    // (other hosts, ports on one host, the legacy API): at start-up, claims
    // of this id left from before are executions the stop interrupted.
    executorId: `${hostname()}:${config.port}/${serviceName}`,
  });
  const agent = publishingIncidents(baseAgent, incidentEvents, logger);
  const retention = startRetention({
    agent,
    retentionDays: config.incidentRetentionDays,
    logger,
  });

  const remediationSweep = startRemediationSweep({
    agent,
    approvalTtlSec: config.approvalTtlSec,
    logger,
  });
  // Start-up recovery: nothing this server claimed before it stopped is still
  // running, so those actions are failed (and audited) before it serves.
  await remediationSweep.runNow();

  let closing: Promise<void> | null = null;
  let shownConfig = publicConfig(config);
  return {
    config,
    get publicConfig() {
      return shownConfig;
    },
    version: VERSION,
    startedAt: Date.now(),
    logger,
    metrics,
    tracing,
    store,
    agent,
    keyring,
    rateLimiter,
    license,
    backendChecks: governance.checks,
    incidentEvents,
    retention,
    remediationSweep,
    listeningOn(port) {
      const derived = config.websocketUrl === defaultWebsocketUrl(config.host, config.port);
      if (config.port === 0 && derived) {
        shownConfig = publicConfig({
          ...config,
          websocketUrl: defaultWebsocketUrl(config.host, port),
        });
      }
    },
    close() {
      closing ??= (async () => {
        await Promise.all([retention.stop(), remediationSweep.stop()]);
        await Promise.allSettled([rateLimiter.close(), tracing.shutdown(), incidentEvents.close()]);
        // The agent saves the miner's last changes, then closes the store.
        await agent.close();
      })();
      return closing;
    },
  };
}
