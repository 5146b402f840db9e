import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.js';
import { configVariables } from './config-variables.js';
import { parseConfig } from './parse-config.js';
import { publicConfig } from './public-config.js';

const secretVariables = configVariables.filter((variable) => variable.secret);

/** Shapes a secret value may need to take to pass its own parser. */
const candidates = (marker: string) => [
  marker,
  `acme:${marker}`,
  `https://hooks.example.com/services/${marker}`,
];

/** A valid value for `name` that contains `marker`, found by trying each shape. */
function validSecret(name: string, marker: string): string {
  for (const value of candidates(marker)) {
    if (configSchema.shape[name as keyof typeof configSchema.shape].safeParse(value).success) {
      return value;
    }
  }
  throw new Error(`no sample value parses for ${name}; add a shape to candidates()`);
}

/** Non-secret variables whose values may carry credentials in URL userinfo or query. */
const urlsWithCredentials = (marker: string) => ({
  DATABASE_URL: `postgres://agent:${marker}@db:5432/agent?password=${marker}`,
  REDIS_URL: `rediss://:${marker}@cache:6380/0`,
  OPA_ENDPOINT: `https://opa:${marker}@opa.internal:8181`,
  VAULT_URL: `https://vault:${marker}@vault.internal:8200`,
  LLM_BASE_URL: `https://llm:${marker}@llm.internal/v1`,
  LLM_ENDPOINT: `https://old.internal/analyze?api_key=${marker}#${marker}`,
  OTEL_EXPORTER_OTLP_ENDPOINT: `https://otel:${marker}@collector:4318`,
  WEBSOCKET_URL: `wss://ws:${marker}@agent.example.com/api/ws?token=${marker}`,
});

function everySecretSet(marker: string): Record<string, string> {
  const env: Record<string, string> = { ...urlsWithCredentials(marker) };
  for (const variable of secretVariables) {
    env[variable.name] = validSecret(variable.name, `${marker}-${variable.name}`);
  }
  return env;
}

describe('publicConfig', () => {
  it('never contains a secret value or URL credential (random markers)', () => {
    for (let round = 0; round < 25; round++) {
      const marker = `mk${randomBytes(8).toString('hex')}`;
      const env = everySecretSet(marker);
      const config = parseConfig(env, { cwd: '/srv' });
      // The markers did reach the config: otherwise the test proves nothing.
      expect(JSON.stringify(config)).toContain(marker);
      const shown = JSON.stringify(publicConfig(config));
      expect(shown).not.toContain(marker);
    }
  });

  it('covers every secret variable in the property test', () => {
    const env = everySecretSet('cover');
    for (const variable of secretVariables) expect(env[variable.name]).toBeDefined();
    expect(secretVariables.map((variable) => variable.name)).toEqual(
      expect.arrayContaining([
        'API_KEYS',
        'ADMIN_KEYS',
        'VAULT_TOKEN',
        'VAULT_ROLE_ID',
        'VAULT_SECRET_ID',
        'LLM_API_KEY',
        'LICENSE_KEY',
        'LICENSE_SIGNING_SECRET',
        'LICENSE_PUBLIC_KEY',
        'NOTIFY_WEBHOOK_URL',
      ]),
    );
  });

  it('shows secrets as _set booleans and key lists as counts and tenants', () => {
    const view = publicConfig(
      parseConfig({
        API_KEYS: 'acme:k1,k2,acme:k3',
        ADMIN_KEYS: 'a1',
        LLM_API_KEY: 'sk-1',
      }),
    );
    expect(view).toMatchObject({
      api_keys_count: 3,
      api_keys_tenants: ['acme', 'default'],
      admin_keys_count: 1,
      llm_api_key_set: true,
      vault_token_set: false,
      license_key_set: false,
      notify_webhook_url_set: false,
    });
    for (const variable of secretVariables) {
      expect(view).not.toHaveProperty(variable.name.toLowerCase());
    }
  });

  it('shows every non-secret variable under its snake_case name', () => {
    const view = publicConfig(parseConfig({}));
    for (const variable of configVariables.filter((v) => !v.secret)) {
      expect(view).toHaveProperty(variable.name.toLowerCase());
    }
  });

  it('shows effective values, derived ones included', () => {
    const view = publicConfig(
      parseConfig({
        HOST: '0.0.0.0',
        PORT: '8080',
        LLM_BASE_URL: 'http://llm:8000/v1/',
        DATABASE_URL: 'postgres://u:p@db:5432/agent',
      }),
    );
    expect(view).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      websocket_url: 'ws://127.0.0.1:8080/api/ws',
      llm_provider: 'openai',
      llm_base_url: 'http://llm:8000/v1',
      database_url: 'postgres://db:5432/agent',
      log_level: 'info',
      api_keys_count: 0,
      api_keys_tenants: [],
    });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(publicConfig(parseConfig({})))).toBe(true);
  });
});
