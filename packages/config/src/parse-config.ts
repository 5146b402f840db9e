import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from './config-error.js';
import {
  configSchema,
  type LogFormat,
  type LogLevel,
  type ParsedVariables,
  type VariableName,
} from './config-schema.js';
import type { ApiKey } from './value-parsers.js';

export type { ApiKey } from './value-parsers.js';

/** `none`: no LLM is configured, reasoning stays heuristic. */
export type LlmProvider = 'openai' | 'generic' | 'none';

/** Which Vault login is used; null when no credentials are set. */
export type VaultAuthMethod = 'token' | 'approle';

/**
 * The parsed configuration. Optional backends are `null` while unset (the
 * service then uses its embedded default). Frozen all the way down.
 */
export interface AgentConfig {
  readonly port: number;
  readonly legacyPort: number;
  readonly host: string;
  readonly websocketUrl: string;
  readonly maxLogBytes: number;
  readonly corsOrigins: readonly string[];

  /** Absolute path of the SQLite file (or `:memory:`). */
  readonly dbPath: string;
  readonly databaseUrl: string | null;
  readonly redisUrl: string | null;
  readonly incidentRetentionDays: number;
  readonly approvalTtlSec: number;
  readonly dedupWindowSec: number;

  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;

  /** Empty: open mode (no key needed). */
  readonly apiKeys: readonly ApiKey[];
  readonly adminKeys: readonly string[];
  readonly rateLimit: { readonly requests: number; readonly windowSec: number };
  readonly metricsRequireKey: boolean;

  readonly reasoning: {
    readonly enableReflection: boolean;
    readonly maxCycles: number;
    readonly targetScore: number;
  };

  /** Absolute path, or null for the built-in policy defaults. */
  readonly policyFile: string | null;
  readonly opa: {
    readonly endpoint: string | null;
    readonly policyPath: string;
    readonly timeoutMs: number;
  };
  readonly executionEnabled: boolean;

  /** Absolute path, or null. */
  readonly secretsFile: string | null;
  readonly vault: {
    readonly url: string | null;
    readonly authMethod: VaultAuthMethod | null;
    readonly token: string | null;
    readonly roleId: string | null;
    readonly secretId: string | null;
    readonly namespace: string | null;
    readonly kvMount: string;
  };
  readonly notifyWebhookUrl: string | null;

  readonly llm: {
    readonly provider: LlmProvider;
    /** Without trailing slash: append `/chat/completions`. */
    readonly baseUrl: string | null;
    readonly apiKey: string | null;
    readonly model: string | null;
    /** Models a request may choose: LLM_ALLOWED_MODELS plus LLM_MODEL. */
    readonly allowedModels: readonly string[];
    readonly maxTemperature: number;
    readonly endpoint: string | null;
    readonly timeoutMs: number;
    readonly maxInputTokens: number;
    readonly cacheTtlSec: number;
  };

  readonly tracing: {
    readonly enabled: boolean;
    /** Without trailing slash: append `/v1/traces`. Null: console exporter. */
    readonly otlpEndpoint: string | null;
  };

  /**
   * Licence material only. Whether the licence is valid is decided at run
   * time and reported there; it is never a configuration error.
   */
  readonly license: {
    readonly required: boolean;
    readonly key: string | null;
    readonly signingSecret: string | null;
    readonly publicKey: string | null;
  };
}

export interface ParseConfigOptions {
  /** Directory relative paths (DB_PATH, POLICY_FILE, SECRETS_FILE) are taken from. Default: process.cwd(). */
  readonly cwd?: string;
  /** What a leading `~` of those paths stands for. Default: os.homedir(). */
  readonly home?: string;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The URL a browser should use for the WebSocket when WEBSOCKET_URL is unset.
 * A wildcard listen address is not somewhere a client can connect to, so it
 * becomes loopback. Exported because with PORT=0 the real port is known only
 * after listening: the app can call this again with it.
 */
export function defaultWebsocketUrl(host: string, port: number): string {
  const reachable = WILDCARD_HOSTS.has(host) ? '127.0.0.1' : host;
  const bracketed =
    reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable;
  return `ws://${bracketed}:${port}/api/ws`;
}

function derivedLlmProvider(env: ParsedVariables): LlmProvider {
  if (env.LLM_PROVIDER !== null) return env.LLM_PROVIDER;
  if (env.LLM_BASE_URL !== null) return 'openai';
  if (env.LLM_ENDPOINT !== null) return 'generic';
  return 'none';
}

function allowedModels(env: ParsedVariables): string[] {
  const listed = env.LLM_ALLOWED_MODELS ?? [];
  const withDefault = env.LLM_MODEL === null ? listed : [env.LLM_MODEL, ...listed];
  return [...new Set(withDefault)];
}

function vaultAuthMethod(env: ParsedVariables): VaultAuthMethod | null {
  if (env.VAULT_TOKEN !== null) return 'token';
  if (env.VAULT_ROLE_ID !== null && env.VAULT_SECRET_ID !== null) return 'approle';
  return null;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function toAgentConfig(env: ParsedVariables, cwd: string, home: string): AgentConfig {
  // A leading ~ is the home directory, as a shell would make it: nothing
  // expands it in a .env file, a unit's Environment= or a container's env,
  // and DB_PATH=~/agent.db made a directory named "~" in the working directory.
  const fromCwd = (path: string) => {
    const expanded = path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
    return isAbsolute(expanded) ? expanded : resolve(cwd, expanded);
  };
  return deepFreeze({
    port: env.PORT,
    legacyPort: env.LEGACY_PORT,
    host: env.HOST,
    websocketUrl: env.WEBSOCKET_URL ?? defaultWebsocketUrl(env.HOST, env.PORT),
    maxLogBytes: env.MAX_LOG_BYTES,
    corsOrigins: env.CORS_ORIGINS ?? [],

    // `:memory:` is SQLite's in-memory database, not a file name.
    dbPath: env.DB_PATH === ':memory:' ? env.DB_PATH : fromCwd(env.DB_PATH),
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    incidentRetentionDays: env.INCIDENT_RETENTION_DAYS,
    approvalTtlSec: env.APPROVAL_TTL_SEC,
    dedupWindowSec: env.DEDUP_WINDOW_SEC,

    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,

    apiKeys: env.API_KEYS ?? [],
    adminKeys: env.ADMIN_KEYS ?? [],
    rateLimit: { requests: env.RATE_LIMIT_REQUESTS, windowSec: env.RATE_LIMIT_WINDOW_SEC },
    metricsRequireKey: env.METRICS_REQUIRE_KEY,

    reasoning: {
      enableReflection: env.ENABLE_REFLECTION,
      maxCycles: env.MAX_REASONING_CYCLES,
      targetScore: env.TARGET_REASONING_SCORE,
    },

    policyFile: env.POLICY_FILE === null ? null : fromCwd(env.POLICY_FILE),
    opa: {
      endpoint: env.OPA_ENDPOINT,
      policyPath: env.OPA_POLICY_PATH,
      timeoutMs: env.OPA_TIMEOUT_MS,
    },
    executionEnabled: env.EXECUTION_ENABLED,

    secretsFile: env.SECRETS_FILE === null ? null : fromCwd(env.SECRETS_FILE),
    vault: {
      url: env.VAULT_URL,
      authMethod: vaultAuthMethod(env),
      token: env.VAULT_TOKEN,
      roleId: env.VAULT_ROLE_ID,
      secretId: env.VAULT_SECRET_ID,
      namespace: env.VAULT_NAMESPACE,
      kvMount: env.VAULT_KV_MOUNT,
    },
    notifyWebhookUrl: env.NOTIFY_WEBHOOK_URL,

    llm: {
      provider: derivedLlmProvider(env),
      baseUrl: env.LLM_BASE_URL,
      apiKey: env.LLM_API_KEY,
      model: env.LLM_MODEL,
      allowedModels: allowedModels(env),
      maxTemperature: env.LLM_MAX_TEMPERATURE,
      endpoint: env.LLM_ENDPOINT,
      timeoutMs: env.LLM_TIMEOUT_MS,
      maxInputTokens: env.LLM_MAX_INPUT_TOKENS,
      cacheTtlSec: env.LLM_CACHE_TTL_SEC,
    },

    tracing: {
      enabled: env.ENABLE_TRACING,
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    },

    license: {
      required: env.REQUIRE_LICENSE,
      key: env.LICENSE_KEY,
      signingSecret: env.LICENSE_SIGNING_SECRET,
      publicKey: env.LICENSE_PUBLIC_KEY,
    },
  });
}

/**
 * Parses an environment record (no file I/O). Throws ConfigError listing
 * every problem at once.
 */
export function parseConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: ParseConfigOptions = {},
): AgentConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const issues: ConfigIssue[] = result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '') as VariableName;
      return { variable, file: null, message: `${variable}: ${issue.message}` };
    });
    throw new ConfigError(issues);
  }
  return toAgentConfig(result.data, options.cwd ?? process.cwd(), options.home ?? homedir());
}
