import { z } from 'zod';
import { variable } from './config-variable.js';
import {
  adminKeyList,
  apiKeyList,
  boolean,
  corsOrigin,
  decimal,
  filePath,
  host,
  httpBaseUrl,
  httpUrl,
  integer,
  list,
  oneOf,
  slashPath,
  text,
  url,
} from './value-parsers.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['text', 'json', 'kv'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** What may be asked for in LLM_PROVIDER; `none` is only ever derived. */
export const LLM_PROVIDERS = ['openai', 'generic'] as const;

const port = (fallback: number, description: string) =>
  variable({
    parse: integer({
      min: 0,
      max: 65535,
      expected: 'a port number from 0 to 65535; 0 picks any free port',
    }),
    fallback,
    description,
  });

const seconds = (fallback: number, min: number, description: string) =>
  variable({
    parse: integer({ min, expected: `a whole number of seconds >= ${min}` }),
    fallback,
    description,
  });

const milliseconds = (fallback: number, description: string) =>
  variable({
    parse: integer({
      min: 1,
      max: 600_000,
      expected: 'a whole number of milliseconds from 1 to 600000',
    }),
    fallback,
    description,
  });

const flag = (fallback: boolean, description: string) =>
  variable({ parse: boolean, fallback, description });

/**
 * Every environment variable the service reads, in the order of the docs.
 * Input is the raw environment (unknown keys are ignored); output is one
 * typed value per variable, `null` when an optional variable is unset.
 * Values are not yet combined: see `parseConfig` for the derived ones.
 */
const variables = z.object({
  // --- listening
  PORT: port(5000, 'listen port of the primary API (apps/api)'),
  LEGACY_PORT: port(5001, 'listen port of the legacy-compatible API (apps/legacy)'),
  HOST: variable({
    parse: host,
    fallback: '127.0.0.1',
    description: 'listen address (the container image sets `0.0.0.0`)',
  }),
  WEBSOCKET_URL: variable({
    parse: url({ schemes: ['ws', 'wss'], noun: 'a WebSocket URL' }),
    shownDefault: 'derived',
    description:
      'the WebSocket URL advertised in `/api/config`; unset: `ws://{HOST}:{PORT}/api/ws` (127.0.0.1 when HOST is 0.0.0.0 or ::)',
  }),
  MAX_LOG_BYTES: variable({
    parse: integer({ min: 1024, expected: 'a whole number of bytes >= 1024' }),
    fallback: 1_048_576,
    description: 'largest accepted request body',
  }),
  CORS_ORIGINS: variable({
    parse: list(corsOrigin),
    shownDefault: 'unset (CORS off)',
    description: 'comma list of allowed origins',
  }),

  // --- storage
  DB_PATH: variable({
    parse: filePath,
    fallback: 'devops_knowledge.db',
    description:
      'SQLite file; a relative path is taken from the directory the command was started in, so both apps started from the repository root share one file, and a leading `~/` is the home directory (also in `.env`)',
  }),
  DATABASE_URL: variable({
    parse: url({ schemes: ['postgres', 'postgresql'], noun: 'a PostgreSQL URL' }),
    description: '`postgres://...`: use PostgreSQL instead of SQLite',
  }),
  REDIS_URL: variable({
    parse: url({ schemes: ['redis', 'rediss'], noun: 'a Redis URL' }),
    description: 'shared rate limits and event fan-out across replicas',
  }),
  INCIDENT_RETENTION_DAYS: variable({
    parse: integer({ min: 1, expected: 'a whole number of days >= 1' }),
    fallback: 30,
    description: 'pruning of incidents and their actions; audit entries are kept',
  }),
  APPROVAL_TTL_SEC: seconds(86_400, 1, 'pending approvals expire after this'),
  DEDUP_WINDOW_SEC: seconds(
    300,
    0,
    'the same tenant and signature within this window is one incident (0: off)',
  ),

  // --- logging
  LOG_LEVEL: variable({
    parse: oneOf('a log level', LOG_LEVELS),
    fallback: 'info' as LogLevel,
    description: 'least severe level written',
  }),
  LOG_FORMAT: variable({
    parse: oneOf('a log format', LOG_FORMATS),
    fallback: 'text' as LogFormat,
    description: '`text`, `json` or `kv` (logfmt)',
  }),

  // --- access
  API_KEYS: variable({
    parse: apiKeyList,
    secret: true,
    shownDefault: 'unset (open mode)',
    description: 'comma list; an entry is `key` or `tenant:key` (bare key: tenant `default`)',
  }),
  ADMIN_KEYS: variable({
    parse: adminKeyList,
    secret: true,
    description: 'comma list of admin keys',
  }),
  RATE_LIMIT_REQUESTS: variable({
    parse: integer({ min: 1, expected: 'a whole number of requests >= 1' }),
    fallback: 100,
    description: 'requests allowed per window, per key (per client address in open mode)',
  }),
  RATE_LIMIT_WINDOW_SEC: seconds(60, 1, 'length of the rate-limit window'),
  METRICS_REQUIRE_KEY: flag(false, 'whether `/api/metrics` needs a key'),

  // --- reasoning
  ENABLE_REFLECTION: flag(true, 'reflective loop (false: classic, one pass)'),
  MAX_REASONING_CYCLES: variable({
    parse: integer({ min: 1, max: 10, expected: 'a whole number from 1 to 10' }),
    fallback: 2,
    description: 'most hypothesize-evaluate-reflect cycles per request',
  }),
  TARGET_REASONING_SCORE: variable({
    parse: decimal({ min: 0, max: 1, expected: 'a number from 0 to 1' }),
    fallback: 0.7,
    description: 'the loop stops once a hypothesis scores this much',
  }),

  // --- policy
  POLICY_FILE: variable({
    parse: filePath,
    shownDefault: 'unset (built-in defaults)',
    description:
      "policy rules for the built-in engine: min confidence, approval rules, plugin allowlist, blast radius, and the actuators' allowlists (command executables, webhook hosts)",
  }),
  OPA_ENDPOINT: variable({
    parse: httpBaseUrl,
    description: 'base URL of OPA; when set, OPA decides',
  }),
  OPA_POLICY_PATH: variable({
    parse: slashPath('a data path such as devops/remediation/decision'),
    fallback: 'devops/remediation/decision',
    description: 'data path queried at `/v1/data/{path}`',
  }),
  OPA_TIMEOUT_MS: milliseconds(1000, 'then the decision is `denied` (fail closed)'),
  EXECUTION_ENABLED: flag(
    true,
    'global switch: false makes every action `skipped` ("execution disabled")',
  ),

  // --- secrets for actuators
  SECRETS_FILE: variable({
    parse: filePath,
    description: 'JSON or dotenv file of secrets for the default secret store',
  }),
  VAULT_URL: variable({
    parse: httpBaseUrl,
    description: 'base URL of Vault; when set, secrets come from KV v2',
  }),
  VAULT_TOKEN: variable({
    parse: text,
    secret: true,
    description: 'Vault token auth (or set VAULT_ROLE_ID + VAULT_SECRET_ID)',
  }),
  VAULT_ROLE_ID: variable({
    parse: text,
    secret: true,
    description: 'Vault AppRole login, with VAULT_SECRET_ID',
  }),
  VAULT_SECRET_ID: variable({
    parse: text,
    secret: true,
    description: 'Vault AppRole login, with VAULT_ROLE_ID',
  }),
  VAULT_NAMESPACE: variable({
    parse: slashPath('a Vault namespace such as team-a or org/team-a'),
    description: 'Vault Enterprise namespace',
  }),
  VAULT_KV_MOUNT: variable({
    parse: slashPath('a mount path such as secret'),
    fallback: 'secret',
    description: 'KV v2 mount',
  }),
  NOTIFY_WEBHOOK_URL: variable({
    parse: httpUrl,
    // Slack-style incoming webhook URLs carry their credential in the path.
    secret: true,
    description: 'Slack-compatible incoming webhook used by the `notify` plugin',
  }),

  // --- LLM
  LLM_PROVIDER: variable({
    parse: oneOf('an LLM provider', LLM_PROVIDERS),
    shownDefault: 'derived',
    description:
      '`openai` or `generic`; when unset: `openai` if `LLM_BASE_URL` is set, else `generic` if `LLM_ENDPOINT` is set, else no LLM',
  }),
  LLM_BASE_URL: variable({
    parse: httpBaseUrl,
    description: 'OpenAI-compatible chat completions (`{LLM_BASE_URL}/chat/completions`)',
  }),
  LLM_API_KEY: variable({
    parse: text,
    secret: true,
    description: 'bearer key for the LLM',
  }),
  LLM_MODEL: variable({
    parse: text,
    description: 'model asked for when a request does not choose one',
  }),
  LLM_ALLOWED_MODELS: variable({
    parse: list(text),
    shownDefault: 'unset (only `LLM_MODEL`)',
    description:
      "comma list of models a request's `llm_config.model` may choose (LLM_MODEL is always allowed)",
  }),
  LLM_MAX_TEMPERATURE: variable({
    parse: decimal({ min: 0, max: 2, expected: 'a number from 0 to 2' }),
    fallback: 1,
    description: "upper bound for a request's `llm_config.temperature`",
  }),
  LLM_ENDPOINT: variable({
    parse: httpUrl,
    description: "the original product's generic analysis endpoint (wire format in the LLM issue)",
  }),
  LLM_TIMEOUT_MS: milliseconds(
    10_000,
    'cap on the whole LLM step of one request, retries included',
  ),
  LLM_MAX_INPUT_TOKENS: variable({
    parse: integer({ min: 1, expected: 'a whole number of tokens >= 1' }),
    fallback: 4000,
    description: 'prompt budget',
  }),
  LLM_CACHE_TTL_SEC: seconds(86_400, 0, 'answer cache lifetime (0: no cache)'),

  // --- tracing
  ENABLE_TRACING: flag(false, 'OpenTelemetry spans'),
  OTEL_EXPORTER_OTLP_ENDPOINT: variable({
    parse: httpBaseUrl,
    description:
      'OTLP/HTTP base URL (`/v1/traces` is appended, as the OpenTelemetry spec says); unset: console exporter',
  }),

  // --- licensing
  REQUIRE_LICENSE: flag(false, 'require a valid licence (checked at run time, not at start-up)'),
  LICENSE_KEY: variable({
    parse: text,
    secret: true,
    description: 'the licence (JWT, or the HMAC form)',
  }),
  LICENSE_SIGNING_SECRET: variable({
    parse: text,
    secret: true,
    description: 'HS256 / HMAC secret',
  }),
  LICENSE_PUBLIC_KEY: variable({
    parse: text,
    // Not confidential, but it is signing material: swapping it is how a
    // forged licence would pass, so the public view only says it is set.
    secret: true,
    description: 'Ed25519 public key (PEM or JWK) for EdDSA licences',
  }),
});

export type VariableName = keyof typeof variables.shape;
export type ParsedVariables = z.output<typeof variables>;

/** True when none of `names` failed to parse, so a rule over them can run. */
function parsedCleanly(payload: z.core.ParsePayload, names: readonly VariableName[]): boolean {
  return !payload.issues.some((issue) => names.includes(issue.path?.[0] as VariableName));
}

const LLM_VARIABLES = ['LLM_PROVIDER', 'LLM_BASE_URL', 'LLM_ENDPOINT'] as const;
const VAULT_VARIABLES = ['VAULT_URL', 'VAULT_TOKEN', 'VAULT_ROLE_ID', 'VAULT_SECRET_ID'] as const;

/**
 * The schema of the whole environment. Rules that involve several variables
 * run whenever those variables parsed, even if others failed, so one start-up
 * reports every problem.
 */
export const configSchema = variables
  .superRefine(
    (env, ctx) => {
      if (env.LLM_PROVIDER === 'openai' && env.LLM_BASE_URL === null) {
        ctx.addIssue({
          code: 'custom',
          path: ['LLM_PROVIDER'],
          message:
            '"openai" needs LLM_BASE_URL (expected LLM_BASE_URL set, or LLM_PROVIDER unset or generic)',
        });
      }
      if (env.LLM_PROVIDER === 'generic' && env.LLM_ENDPOINT === null) {
        ctx.addIssue({
          code: 'custom',
          path: ['LLM_PROVIDER'],
          message:
            '"generic" needs LLM_ENDPOINT (expected LLM_ENDPOINT set, or LLM_PROVIDER unset or openai)',
        });
      }
    },
    { when: (payload) => parsedCleanly(payload, LLM_VARIABLES) },
  )
  .superRefine(
    (env, ctx) => {
      if (env.VAULT_URL === null || env.VAULT_TOKEN !== null) return;
      if (env.VAULT_ROLE_ID !== null && env.VAULT_SECRET_ID !== null) return;
      const missing =
        env.VAULT_ROLE_ID !== null
          ? 'VAULT_SECRET_ID is missing'
          : env.VAULT_SECRET_ID !== null
            ? 'VAULT_ROLE_ID is missing'
            : 'no credentials are set';
      ctx.addIssue({
        code: 'custom',
        path: ['VAULT_URL'],
        message: `is set but ${missing} (expected VAULT_TOKEN, or both VAULT_ROLE_ID and VAULT_SECRET_ID)`,
      });
    },
    { when: (payload) => parsedCleanly(payload, VAULT_VARIABLES) },
  );
