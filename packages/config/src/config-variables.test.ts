import { describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.js';
import { configTable, configVariables } from './config-variables.js';

/** Every variable of the configuration contract (config.md), plus the LLM limits. */
const CONTRACT_VARIABLES = [
  'PORT',
  'LEGACY_PORT',
  'HOST',
  'DB_PATH',
  'DATABASE_URL',
  'REDIS_URL',
  'MAX_LOG_BYTES',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'API_KEYS',
  'ADMIN_KEYS',
  'RATE_LIMIT_REQUESTS',
  'RATE_LIMIT_WINDOW_SEC',
  'CORS_ORIGINS',
  'METRICS_REQUIRE_KEY',
  'ENABLE_REFLECTION',
  'MAX_REASONING_CYCLES',
  'TARGET_REASONING_SCORE',
  'POLICY_FILE',
  'OPA_ENDPOINT',
  'OPA_POLICY_PATH',
  'OPA_TIMEOUT_MS',
  'SECRETS_FILE',
  'VAULT_URL',
  'VAULT_TOKEN',
  'VAULT_ROLE_ID',
  'VAULT_SECRET_ID',
  'VAULT_NAMESPACE',
  'VAULT_KV_MOUNT',
  'NOTIFY_WEBHOOK_URL',
  'LLM_PROVIDER',
  'LLM_BASE_URL',
  'LLM_API_KEY',
  'LLM_MODEL',
  'LLM_ENDPOINT',
  'LLM_TIMEOUT_MS',
  'LLM_MAX_INPUT_TOKENS',
  'LLM_CACHE_TTL_SEC',
  'LLM_MAX_TEMPERATURE',
  'LLM_ALLOWED_MODELS',
  'ENABLE_TRACING',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'REQUIRE_LICENSE',
  'LICENSE_KEY',
  'LICENSE_SIGNING_SECRET',
  'LICENSE_PUBLIC_KEY',
  'INCIDENT_RETENTION_DAYS',
  'APPROVAL_TTL_SEC',
  'DEDUP_WINDOW_SEC',
  'EXECUTION_ENABLED',
  'WEBSOCKET_URL',
];

describe('configVariables', () => {
  const names = configVariables.map((variable) => variable.name);

  it('covers every key of the schema, and nothing else', () => {
    expect([...names].sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('lists each variable once', () => {
    expect(new Set(names).size).toBe(names.length);
  });

  it('covers every variable of the contract, and nothing else', () => {
    expect([...names].sort()).toEqual([...CONTRACT_VARIABLES].sort());
  });

  it('gives each variable a default and a description', () => {
    for (const variable of configVariables) {
      expect(variable.default, variable.name).not.toBe('');
      expect(variable.description, variable.name).not.toBe('');
      expect(typeof variable.secret).toBe('boolean');
    }
  });

  it('documents the contract defaults', () => {
    const shown = Object.fromEntries(configVariables.map((v) => [v.name, v.default]));
    expect(shown).toMatchObject({
      PORT: '5000',
      LEGACY_PORT: '5001',
      HOST: '`127.0.0.1`',
      DB_PATH: '`devops_knowledge.db`',
      DATABASE_URL: 'unset',
      MAX_LOG_BYTES: '1048576',
      LOG_LEVEL: '`info`',
      METRICS_REQUIRE_KEY: '`false`',
      TARGET_REASONING_SCORE: '0.7',
      LLM_PROVIDER: 'derived',
      WEBSOCKET_URL: 'derived',
      VAULT_KV_MOUNT: '`secret`',
    });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(configVariables)).toBe(true);
    expect(Object.isFrozen(configVariables[0])).toBe(true);
  });
});

describe('configTable', () => {
  const table = configTable();
  const lines = table.trimEnd().split('\n');

  it('is a markdown table with one row per variable', () => {
    expect(lines[0]).toBe('| variable | default | meaning |');
    expect(lines[1]).toBe('|---|---|---|');
    expect(lines).toHaveLength(configVariables.length + 2);
    configVariables.forEach((variable, index) => {
      expect(lines[index + 2]?.startsWith(`| \`${variable.name}\` | ${variable.default} | `)).toBe(
        true,
      );
    });
  });

  it('has exactly three cells per row', () => {
    for (const line of lines) {
      expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(5);
    }
  });
});
