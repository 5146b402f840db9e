// @agent/adapters: the outside world behind core's ports. Policy engines
// (the built-in rules of a policy file; OPA's Data API), secret stores
// (environment / secrets file; Vault KV v2), actuators (notify, webhook,
// command), LLM clients (OpenAI-compatible chat completions; the generic
// endpoint). HTTP goes through ky. Options only: nothing here reads the
// environment or logs a secret.

export { CommandActuator, type CommandActuatorOptions } from './actuators/command-actuator.js';
export { hostAllowed } from './actuators/host-allowlist.js';
export { NotifyActuator, type NotifyActuatorOptions } from './actuators/notify-actuator.js';
export { WebhookActuator, type WebhookActuatorOptions } from './actuators/webhook-actuator.js';
export {
  createGovernance,
  type Governance,
  type GovernanceOptions,
} from './create-governance.js';
export type { DecorateHeaders } from './http/outbound-http.js';
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
} from './llm/circuit-breaker.js';
export { createLlmClient, type LlmClientConfig } from './llm/create-llm-client.js';
export { createGenericLlmClient, type GenericLlmClientOptions } from './llm/generic-llm-client.js';
export { parseAnswerText, validateAnswer } from './llm/llm-answer.js';
export type {
  LlmCallObserver,
  LlmCallReport,
  LlmSpanAttributes,
  LlmTransportOptions,
} from './llm/llm-transport.js';
export {
  chatCompletionsUrl,
  createOpenAiLlmClient,
  type OpenAiLlmClientOptions,
} from './llm/openai-llm-client.js';
export {
  OpaPolicyEngine,
  type OpaPolicyEngineOptions,
  toOpaInput,
} from './policy/opa-policy-engine.js';
export {
  type ActuatorSettings,
  ActuatorSettingsSchema,
  type CommandSettings,
  defaultPolicyDocument,
  loadPolicyFile,
  type NotifySettings,
  type PolicyDocument,
  PolicyFileError,
  PolicyFileSchema,
  parsePolicyDocument,
  type SecretRef,
  type WebhookSettings,
} from './policy/policy-file.js';
export {
  EnvironmentSecretStore,
  type EnvironmentSecretStoreOptions,
  environmentName,
  SecretsFileError,
} from './secrets/environment-secret-store.js';
export { resolveSecretValues, SecretUnavailableError } from './secrets/resolve-secret-values.js';
export {
  VaultSecretStore,
  type VaultSecretStoreOptions,
  VaultUnavailableError,
} from './secrets/vault-secret-store.js';
