import type { VariableName } from './config-schema.js';
import { configVariables } from './config-variables.js';
import type { AgentConfig } from './parse-config.js';
import { publicUrl } from './redact.js';

export type PublicValue = string | number | boolean | null | readonly string[];

/** The GET /api/config body: snake_case, secrets reduced to `_set` / `_count`. */
export type PublicConfig = Readonly<Record<string, PublicValue>>;

/**
 * Where each variable's effective value lives in AgentConfig. Typed as a
 * Record over every variable, so a new variable without a reader does not
 * compile. What is shown is not decided here but by each variable's
 * `secret` flag.
 */
const readers: { readonly [Name in VariableName]: (config: AgentConfig) => unknown } = {
  PORT: (c) => c.port,
  LEGACY_PORT: (c) => c.legacyPort,
  HOST: (c) => c.host,
  WEBSOCKET_URL: (c) => c.websocketUrl,
  MAX_LOG_BYTES: (c) => c.maxLogBytes,
  CORS_ORIGINS: (c) => c.corsOrigins,
  DB_PATH: (c) => c.dbPath,
  DATABASE_URL: (c) => c.databaseUrl,
  REDIS_URL: (c) => c.redisUrl,
  INCIDENT_RETENTION_DAYS: (c) => c.incidentRetentionDays,
  APPROVAL_TTL_SEC: (c) => c.approvalTtlSec,
  DEDUP_WINDOW_SEC: (c) => c.dedupWindowSec,
  LOG_LEVEL: (c) => c.logLevel,
  LOG_FORMAT: (c) => c.logFormat,
  API_KEYS: (c) => c.apiKeys,
  ADMIN_KEYS: (c) => c.adminKeys,
  RATE_LIMIT_REQUESTS: (c) => c.rateLimit.requests,
  RATE_LIMIT_WINDOW_SEC: (c) => c.rateLimit.windowSec,
  METRICS_REQUIRE_KEY: (c) => c.metricsRequireKey,
  ENABLE_REFLECTION: (c) => c.reasoning.enableReflection,
  MAX_REASONING_CYCLES: (c) => c.reasoning.maxCycles,
  TARGET_REASONING_SCORE: (c) => c.reasoning.targetScore,
  POLICY_FILE: (c) => c.policyFile,
  OPA_ENDPOINT: (c) => c.opa.endpoint,
  OPA_POLICY_PATH: (c) => c.opa.policyPath,
  OPA_TIMEOUT_MS: (c) => c.opa.timeoutMs,
  EXECUTION_ENABLED: (c) => c.executionEnabled,
  SECRETS_FILE: (c) => c.secretsFile,
  VAULT_URL: (c) => c.vault.url,
  VAULT_TOKEN: (c) => c.vault.token,
  VAULT_ROLE_ID: (c) => c.vault.roleId,
  VAULT_SECRET_ID: (c) => c.vault.secretId,
  VAULT_NAMESPACE: (c) => c.vault.namespace,
  VAULT_KV_MOUNT: (c) => c.vault.kvMount,
  NOTIFY_WEBHOOK_URL: (c) => c.notifyWebhookUrl,
  LLM_PROVIDER: (c) => c.llm.provider,
  LLM_BASE_URL: (c) => c.llm.baseUrl,
  LLM_API_KEY: (c) => c.llm.apiKey,
  LLM_MODEL: (c) => c.llm.model,
  LLM_ALLOWED_MODELS: (c) => c.llm.allowedModels,
  LLM_MAX_TEMPERATURE: (c) => c.llm.maxTemperature,
  LLM_ENDPOINT: (c) => c.llm.endpoint,
  LLM_TIMEOUT_MS: (c) => c.llm.timeoutMs,
  LLM_MAX_INPUT_TOKENS: (c) => c.llm.maxInputTokens,
  LLM_CACHE_TTL_SEC: (c) => c.llm.cacheTtlSec,
  ENABLE_TRACING: (c) => c.tracing.enabled,
  OTEL_EXPORTER_OTLP_ENDPOINT: (c) => c.tracing.otlpEndpoint,
  REQUIRE_LICENSE: (c) => c.license.required,
  LICENSE_KEY: (c) => c.license.key,
  LICENSE_SIGNING_SECRET: (c) => c.license.signingSecret,
  LICENSE_PUBLIC_KEY: (c) => c.license.publicKey,
};

/** A non-secret value as shown: URLs lose credentials and queries wherever they appear. */
function shown(value: unknown): PublicValue {
  if (typeof value === 'string') return publicUrl(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.map((entry) => publicUrl(String(entry)));
  // Objects are not expected from a non-secret variable; showing nothing is
  // the safe answer if one ever appears.
  return null;
}

/**
 * The configuration as GET /api/config serves it. A secret variable appears
 * only as `{name}_set` (or `{name}_count` for lists); API key tenants are
 * listed because a tenant name is not a credential.
 */
export function publicConfig(config: AgentConfig): PublicConfig {
  const view: Record<string, PublicValue> = {};
  for (const variable of configVariables) {
    const key = variable.name.toLowerCase();
    const value = readers[variable.name](config);
    if (!variable.secret) {
      view[key] = shown(value);
    } else if (Array.isArray(value)) {
      view[`${key}_count`] = value.length;
    } else {
      view[`${key}_set`] = value !== null && value !== undefined;
    }
  }
  view.api_keys_tenants = [...new Set(config.apiKeys.map((apiKey) => apiKey.tenant))];
  return Object.freeze(view);
}
