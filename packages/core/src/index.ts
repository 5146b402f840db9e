// @agent/core: the engine. Log in, diagnosis and governed remediation plan out.
// Pure TypeScript: everything outside the process is reached through a port.

export type {
  Agent,
  AgentOptions,
  FeedbackInput,
  FeedbackResult,
  ProcessLogStreamInput,
  ReasoningSettings,
  VoteResult,
} from './agent.js';
export { createAgent } from './agent.js';
export type { ActionChange, ActionRecord, ActionReview } from './domain/actions.js';
export * from './domain/categories.js';
export * from './domain/errors.js';
export * from './domain/types.js';
export { HeaderLayout, type StrippedLine, stripHeaders } from './ingest/header-layout.js';
export { ingestLog } from './ingest/ingest-log.js';
export { cleanMessage, LogIngester, messageOfLine } from './ingest/log-ingester.js';
export type { LogFormat, LogLevel, LogRecord } from './ingest/log-record.js';
export { redactSecrets } from './ingest/redact.js';
export { DefaultPolicyEngine } from './memory/default-policy-engine.js';
export { MemoryKnowledgeStore } from './memory/memory-knowledge-store.js';
export { MemorySecretStore } from './memory/memory-secret-store.js';
export type { MinedRecord, TemplateGroup } from './mining/template-miner.js';
export { TemplateMiner } from './mining/template-miner.js';
export { EXECUTION_DISABLED, NOT_LICENSED, POLICY_UNAVAILABLE } from './pipeline/govern.js';
export type { PlaybookStep } from './playbooks/playbooks.js';
export { PLAYBOOKS } from './playbooks/playbooks.js';
export type { OperationSpec, ParamScope, PluginSpec } from './playbooks/plugin-catalog.js';
export {
  checkParams,
  configuredName,
  DEFAULT_ALLOWED_PATH_ROOTS,
  DEFAULT_PARAM_SCOPE,
  findOperation,
  findPlugin,
  namespaceName,
  PLUGIN_CATALOG,
  parseParams,
  pluginNames,
  resourceName,
  safePath,
} from './playbooks/plugin-catalog.js';
export type { PolicyRules, PolicyRulesInput } from './policy/policy-rules.js';
export {
  DEFAULT_POLICY_RULES,
  evaluatePolicyRules,
  PolicyRulesSchema,
} from './policy/policy-rules.js';
export * from './ports/index.js';
export type { LlmSettings } from './reasoning/llm-step.js';
export type { CueMatch, RecordSignal } from './signals/detect-signals.js';
export { detectSignals } from './signals/detect-signals.js';
export type { Entities } from './signals/extract-entities.js';
export type { Signature } from './signals/signature-catalog.js';
export { SIGNATURES } from './signals/signature-catalog.js';
export type { CursorPosition } from './util/cursor.js';
export { decodeCursor, encodeCursor } from './util/cursor.js';
export { contentHash } from './util/hash.js';
export { wilsonLowerBound } from './util/wilson.js';
export type {
  WireAction,
  WireActionRecord,
  WireAuditEntry,
  WireEvidence,
  WireIncident,
  WireResult,
} from './wire.js';
export {
  toWireAction,
  toWireActionRecord,
  toWireAuditEntry,
  toWireIncident,
  toWirePage,
  toWireResult,
  toWireTraceStep,
} from './wire.js';
