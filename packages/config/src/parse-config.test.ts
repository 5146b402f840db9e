import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { defaultWebsocketUrl, parseConfig } from './parse-config.js';

const CWD = resolve('/srv/agent');

function parse(env: Record<string, string | undefined>) {
  return parseConfig(env, { cwd: CWD });
}

/** The ConfigError thrown for `env`, or a failure if none is thrown. */
function errorFor(env: Record<string, string | undefined>): ConfigError {
  try {
    parse(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(Object.keys(env))}`);
}

describe('defaults with an empty environment', () => {
  const config = parse({});

  it('matches the contract table', () => {
    expect(config).toMatchObject({
      port: 5000,
      legacyPort: 5001,
      host: '127.0.0.1',
      websocketUrl: 'ws://127.0.0.1:5000/api/ws',
      maxLogBytes: 1_048_576,
      corsOrigins: [],
      dbPath: resolve(CWD, 'devops_knowledge.db'),
      databaseUrl: null,
      redisUrl: null,
      incidentRetentionDays: 30,
      approvalTtlSec: 86_400,
      dedupWindowSec: 300,
      logLevel: 'info',
      logFormat: 'text',
      apiKeys: [],
      adminKeys: [],
      rateLimit: { requests: 100, windowSec: 60 },
      metricsRequireKey: false,
      reasoning: { enableReflection: true, maxCycles: 2, targetScore: 0.7 },
      policyFile: null,
      opa: { endpoint: null, policyPath: 'devops/remediation/decision', timeoutMs: 1000 },
      executionEnabled: true,
      secretsFile: null,
      vault: {
        url: null,
        authMethod: null,
        token: null,
        roleId: null,
        secretId: null,
        namespace: null,
        kvMount: 'secret',
      },
      notifyWebhookUrl: null,
      llm: {
        provider: 'none',
        baseUrl: null,
        apiKey: null,
        model: null,
        allowedModels: [],
        maxTemperature: 1,
        endpoint: null,
        timeoutMs: 10_000,
        maxInputTokens: 4000,
        cacheTtlSec: 86_400,
      },
      tracing: { enabled: false, otlpEndpoint: null },
      license: { required: false, key: null, signingSecret: null, publicKey: null },
    });
  });

  it('is frozen all the way down', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.llm)).toBe(true);
    expect(Object.isFrozen(config.apiKeys)).toBe(true);
    const withKeys = parse({ API_KEYS: 'a:k1' });
    expect(Object.isFrozen(withKeys.apiKeys[0])).toBe(true);
  });

  it('ignores variables it does not own', () => {
    expect(() => parse({ PATH: '/usr/bin', HOME: '/root', NODE_ENV: 'production' })).not.toThrow();
  });
});

describe('empty values', () => {
  it('count as unset, so defaults apply', () => {
    const config = parse({ PORT: '', ENABLE_REFLECTION: '', LOG_LEVEL: '   ', API_KEYS: '' });
    expect(config.port).toBe(5000);
    expect(config.reasoning.enableReflection).toBe(true);
    expect(config.logLevel).toBe('info');
    expect(config.apiKeys).toEqual([]);
  });

  it('count as unset for optional backends', () => {
    expect(parse({ DATABASE_URL: '', LLM_BASE_URL: '' })).toMatchObject({
      databaseUrl: null,
      llm: { provider: 'none', baseUrl: null },
    });
  });
});

describe('booleans', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['1', true],
    ['false', false],
    ['FALSE', false],
    ['0', false],
    [' true ', true],
  ])('accepts %j', (raw, expected) => {
    expect(parse({ ENABLE_TRACING: raw }).tracing.enabled).toBe(expected);
  });

  it.each(['yes', 'no', 'on', 'off', '2', 'truthy', 't', '-1', '1.0'])('rejects %j', (raw) => {
    const error = errorFor({ EXECUTION_ENABLED: raw });
    expect(error.message).toBe(
      `EXECUTION_ENABLED: "${raw}" is not a boolean (expected true, false, 1 or 0)`,
    );
  });
});

describe('integers', () => {
  it.each(['10abc', '1e999', '1e3', '0x10', '12.5', 'Infinity', 'NaN', '1_000', '--1', '١٢'])(
    'rejects junk %j',
    (raw) => {
      expect(errorFor({ MAX_LOG_BYTES: raw }).message).toBe(
        `MAX_LOG_BYTES: "${raw}" is not an integer (expected a whole number of bytes >= 1024)`,
      );
    },
  );

  it('accepts plain digits, with surrounding whitespace', () => {
    expect(parse({ MAX_LOG_BYTES: ' 2048 ' }).maxLogBytes).toBe(2048);
  });

  it('rejects numbers beyond the safe integer range', () => {
    expect(errorFor({ MAX_LOG_BYTES: '99999999999999999999' }).message).toContain(
      'is out of range',
    );
  });

  it.each([
    ['PORT', '0', 0],
    ['PORT', '65535', 65535],
    ['LEGACY_PORT', '8080', 8080],
    ['MAX_LOG_BYTES', '1024', 1024],
    ['MAX_REASONING_CYCLES', '1', 1],
    ['MAX_REASONING_CYCLES', '10', 10],
    ['DEDUP_WINDOW_SEC', '0', 0],
    ['LLM_CACHE_TTL_SEC', '0', 0],
  ])('%s accepts %j at the edge of its range', (name, raw, expected) => {
    const config = parse({ [name]: raw });
    const value = {
      PORT: config.port,
      LEGACY_PORT: config.legacyPort,
      MAX_LOG_BYTES: config.maxLogBytes,
      MAX_REASONING_CYCLES: config.reasoning.maxCycles,
      DEDUP_WINDOW_SEC: config.dedupWindowSec,
      LLM_CACHE_TTL_SEC: config.llm.cacheTtlSec,
    }[name];
    expect(value).toBe(expected);
  });

  it.each([
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['LEGACY_PORT', '100000'],
    ['MAX_LOG_BYTES', '1023'],
    ['MAX_LOG_BYTES', '0'],
    ['MAX_REASONING_CYCLES', '0'],
    ['MAX_REASONING_CYCLES', '11'],
    ['RATE_LIMIT_REQUESTS', '0'],
    ['RATE_LIMIT_WINDOW_SEC', '0'],
    ['OPA_TIMEOUT_MS', '0'],
    ['LLM_TIMEOUT_MS', '0'],
    ['LLM_MAX_INPUT_TOKENS', '0'],
    ['INCIDENT_RETENTION_DAYS', '0'],
    ['APPROVAL_TTL_SEC', '0'],
    ['DEDUP_WINDOW_SEC', '-5'],
  ])('%s rejects %j as out of range', (name, raw) => {
    const error = errorFor({ [name]: raw });
    expect(error.issues).toHaveLength(1);
    expect(error.message).toMatch(
      new RegExp(`^${name}: "${raw}" is out of range \\(expected .+\\)$`),
    );
  });

  it('names what a port accepts', () => {
    expect(errorFor({ PORT: '70000' }).message).toBe(
      'PORT: "70000" is out of range (expected a port number from 0 to 65535; 0 picks any free port)',
    );
  });
});

describe('numbers', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['0.85', 0.85],
    ['.5', 0.5],
  ])('TARGET_REASONING_SCORE accepts %j', (raw, expected) => {
    expect(parse({ TARGET_REASONING_SCORE: raw }).reasoning.targetScore).toBe(expected);
  });

  it.each(['1e999', '5e-1', '0x1', '0.5abc', 'NaN', '1.'])(
    'TARGET_REASONING_SCORE rejects junk %j',
    (raw) => {
      expect(errorFor({ TARGET_REASONING_SCORE: raw }).message).toBe(
        `TARGET_REASONING_SCORE: "${raw}" is not a number (expected a number from 0 to 1)`,
      );
    },
  );

  it.each(['1.01', '-0.1', '2'])('TARGET_REASONING_SCORE rejects %j outside 0..1', (raw) => {
    expect(errorFor({ TARGET_REASONING_SCORE: raw }).message).toContain('is out of range');
  });

  it('LLM_MAX_TEMPERATURE is a number from 0 to 2', () => {
    expect(parse({ LLM_MAX_TEMPERATURE: '1.5' }).llm.maxTemperature).toBe(1.5);
    expect(parse({ LLM_MAX_TEMPERATURE: '0' }).llm.maxTemperature).toBe(0);
    expect(errorFor({ LLM_MAX_TEMPERATURE: '2.5' }).message).toBe(
      'LLM_MAX_TEMPERATURE: "2.5" is out of range (expected a number from 0 to 2)',
    );
  });
});

describe('enumerations', () => {
  it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])(
    'LOG_LEVEL accepts %j',
    (level) => {
      expect(parse({ LOG_LEVEL: level }).logLevel).toBe(level);
    },
  );

  it('LOG_LEVEL is case-insensitive', () => {
    expect(parse({ LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
  });

  it('LOG_LEVEL rejects unknown levels and lists the accepted ones', () => {
    expect(errorFor({ LOG_LEVEL: 'verbose' }).message).toBe(
      'LOG_LEVEL: "verbose" is not a log level (expected one of fatal, error, warn, info, debug, trace, silent)',
    );
  });

  it.each(['text', 'json', 'kv'])('LOG_FORMAT accepts %j', (format) => {
    expect(parse({ LOG_FORMAT: format }).logFormat).toBe(format);
  });

  it('LOG_FORMAT rejects logfmt by another name', () => {
    expect(errorFor({ LOG_FORMAT: 'logfmt' }).message).toBe(
      'LOG_FORMAT: "logfmt" is not a log format (expected one of text, json, kv)',
    );
  });

  it('LLM_PROVIDER rejects unknown providers', () => {
    expect(errorFor({ LLM_PROVIDER: 'anthropic' }).message).toBe(
      'LLM_PROVIDER: "anthropic" is not an LLM provider (expected one of openai, generic)',
    );
  });
});

describe('URLs', () => {
  it.each([
    'OPA_ENDPOINT',
    'VAULT_URL',
    'LLM_BASE_URL',
    'LLM_ENDPOINT',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
  ])('%s must be http(s)', (name) => {
    const env = { [name]: 'ftp://example.com', VAULT_TOKEN: 't' };
    expect(errorFor(env).message).toMatch(
      new RegExp(
        `^${name}: "ftp://example.com" is not an http\\(s\\) URL \\(expected http:// or https:// URL`,
      ),
    );
    expect(errorFor({ [name]: 'example.com:8181', VAULT_TOKEN: 't' }).message).toContain(
      `${name}: "example.com:8181" is not`,
    );
    expect(errorFor({ [name]: 'not a url', VAULT_TOKEN: 't' }).message).toContain(
      `${name}: "not a url" is not a URL`,
    );
  });

  it('drops trailing slashes from base URLs, which get paths appended', () => {
    const config = parse({
      LLM_BASE_URL: 'https://api.example.com/v1/',
      OPA_ENDPOINT: 'http://opa:8181/',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318//',
    });
    expect(config.llm.baseUrl).toBe('https://api.example.com/v1');
    expect(config.opa.endpoint).toBe('http://opa:8181');
    expect(config.tracing.otlpEndpoint).toBe('http://collector:4318');
  });

  it('refuses a query on a base URL', () => {
    expect(errorFor({ OPA_ENDPOINT: 'http://opa:8181?x=1' }).message).toContain(
      'OPA_ENDPOINT: "http://opa:8181?***" has a query or fragment',
    );
  });

  it.each(['postgres://u:p@db:5432/agent', 'postgresql://db/agent', 'postgresql:///agent'])(
    'DATABASE_URL accepts %j',
    (value) => {
      expect(parse({ DATABASE_URL: value }).databaseUrl).toBe(value);
    },
  );

  it.each(['mysql://db/agent', 'http://db', 'db:5432', 'sqlite:agent.db'])(
    'DATABASE_URL rejects %j',
    (value) => {
      expect(errorFor({ DATABASE_URL: value }).message).toMatch(
        /^DATABASE_URL: ".*" is not (a PostgreSQL URL|a URL) \(expected postgres:\/\/ or postgresql:\/\/ URL\)$/,
      );
    },
  );

  it('REDIS_URL is redis:// or rediss://', () => {
    expect(parse({ REDIS_URL: 'redis://cache:6379/0' }).redisUrl).toBe('redis://cache:6379/0');
    expect(parse({ REDIS_URL: 'rediss://:pw@cache:6380' }).redisUrl).toBe(
      'rediss://:pw@cache:6380',
    );
    expect(errorFor({ REDIS_URL: 'http://cache:6379' }).message).toBe(
      'REDIS_URL: "http://cache:6379" is not a Redis URL (expected redis:// or rediss:// URL)',
    );
  });

  it('WEBSOCKET_URL is ws:// or wss://', () => {
    expect(parse({ WEBSOCKET_URL: 'wss://agent.example.com/api/ws' }).websocketUrl).toBe(
      'wss://agent.example.com/api/ws',
    );
    expect(errorFor({ WEBSOCKET_URL: 'https://agent.example.com/api/ws' }).message).toContain(
      'WEBSOCKET_URL: "https://agent.example.com/api/ws" is not a WebSocket URL',
    );
  });

  it('masks credentials when echoing a bad URL', () => {
    const message = errorFor({
      DATABASE_URL: 'mysql://root:hunter2@db/agent?password=hunter3',
    }).message;
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('hunter3');
    expect(message).toBe(
      'DATABASE_URL: "mysql://***@db/agent?***" is not a PostgreSQL URL (expected postgres:// or postgresql:// URL)',
    );
  });
});

describe('comma lists', () => {
  it('trims entries and drops empty ones', () => {
    const config = parse({
      CORS_ORIGINS: ' https://a.example.com , ,http://localhost:3000/,, ',
      ADMIN_KEYS: ' admin-1 ,,admin-2,admin-1',
      LLM_ALLOWED_MODELS: 'gpt-4o-mini, ,llama3',
    });
    expect(config.corsOrigins).toEqual(['https://a.example.com', 'http://localhost:3000']);
    expect(config.adminKeys).toEqual(['admin-1', 'admin-2']);
    expect(config.llm.allowedModels).toEqual(['gpt-4o-mini', 'llama3']);
  });

  it('a list of only commas is unset', () => {
    expect(parse({ API_KEYS: ' , ,' }).apiKeys).toEqual([]);
  });

  it('CORS_ORIGINS accepts * and rejects paths', () => {
    expect(parse({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(
      errorFor({ CORS_ORIGINS: 'https://ok.example.com,https://a.example.com/app' }).message,
    ).toBe(
      'CORS_ORIGINS: entry 2 "https://a.example.com/app" is not a bare origin (expected * or origins like https://app.example.com (scheme, host and optional port))',
    );
  });
});

describe('API_KEYS', () => {
  it('parses bare keys as tenant default and tenant:key entries', () => {
    expect(parse({ API_KEYS: 'k1, acme:k2 ,team_b-2:k3,default:with:colon' }).apiKeys).toEqual([
      { tenant: 'default', key: 'k1' },
      { tenant: 'acme', key: 'k2' },
      { tenant: 'team_b-2', key: 'k3' },
      { tenant: 'default', key: 'with:colon' },
    ]);
  });

  it('accepts a 63-character tenant and refuses a 64-character one', () => {
    const ok = `a${'b'.repeat(62)}`;
    expect(parse({ API_KEYS: `${ok}:k` }).apiKeys[0]?.tenant).toBe(ok);
    expect(errorFor({ API_KEYS: `${ok}b:k` }).message).toContain(
      'entry 1 has an invalid tenant name',
    );
  });

  it.each([
    ['Acme:k1', 'has an invalid tenant name'],
    ['-acme:k1', 'has an invalid tenant name'],
    ['ac me:k1', 'has an invalid tenant name'],
    [':k1', 'has an empty tenant'],
    ['acme:', 'has an empty key'],
    ['acme: ', 'has an empty key'],
  ])('rejects %j', (entry, problem) => {
    expect(errorFor({ API_KEYS: `good,${entry}` }).message).toBe(
      `API_KEYS: entry 2 ${problem} (expected key or tenant:key, tenant matching [a-z0-9][a-z0-9_-]{0,62})`,
    );
  });

  it('rejects a key listed twice', () => {
    expect(errorFor({ API_KEYS: 'a:same,b:same' }).message).toBe(
      'API_KEYS: entry 2 repeats the key of entry 1 (expected each key listed once)',
    );
  });

  it('reports every bad entry, one line each', () => {
    const error = errorFor({ API_KEYS: ':a,b:,C:d' });
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'API_KEYS',
      'API_KEYS',
      'API_KEYS',
    ]);
    expect(error.message.split('\n')).toHaveLength(3);
  });
});

describe('other strings', () => {
  it('HOST rejects what cannot be a host', () => {
    expect(parse({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(parse({ HOST: '::' }).host).toBe('::');
    expect(errorFor({ HOST: 'local host' }).message).toContain('HOST: "local host" is not a host');
  });

  it('OPA_POLICY_PATH and VAULT_KV_MOUNT lose outer slashes', () => {
    const config = parse({ OPA_POLICY_PATH: '/a/b/allow/', VAULT_KV_MOUNT: 'kv/' });
    expect(config.opa.policyPath).toBe('a/b/allow');
    expect(config.vault.kvMount).toBe('kv');
    expect(errorFor({ OPA_POLICY_PATH: 'a//b' }).message).toContain('is not a valid path');
  });
});

describe('paths', () => {
  it('resolves relative DB_PATH, POLICY_FILE and SECRETS_FILE against cwd', () => {
    const config = parse({
      DB_PATH: 'data/agent.db',
      POLICY_FILE: './policy.yaml',
      SECRETS_FILE: 'secrets.json',
    });
    expect(config.dbPath).toBe(resolve(CWD, 'data/agent.db'));
    expect(config.policyFile).toBe(resolve(CWD, 'policy.yaml'));
    expect(config.secretsFile).toBe(resolve(CWD, 'secrets.json'));
  });

  it('takes a leading ~ as the home directory, as a shell would', () => {
    const config = parseConfig(
      { DB_PATH: '~/data/agent.db', POLICY_FILE: '~', SECRETS_FILE: '~other/secrets.json' },
      { cwd: CWD, home: '/home/sre' },
    );
    expect(config.dbPath).toBe('/home/sre/data/agent.db');
    expect(config.policyFile).toBe('/home/sre');
    // ~user is left alone: another user's home is not ours to guess.
    expect(config.secretsFile).toBe(resolve(CWD, '~other/secrets.json'));
  });

  it('keeps absolute paths and SQLite :memory:', () => {
    expect(parse({ DB_PATH: '/var/lib/agent.db' }).dbPath).toBe('/var/lib/agent.db');
    expect(parse({ DB_PATH: ':memory:' }).dbPath).toBe(':memory:');
  });

  it('defaults cwd to the process working directory', () => {
    expect(parseConfig({}).dbPath).toBe(resolve(process.cwd(), 'devops_knowledge.db'));
  });
});

describe('LLM_PROVIDER', () => {
  it('is derived: openai when LLM_BASE_URL is set, even with LLM_ENDPOINT', () => {
    const config = parse({
      LLM_BASE_URL: 'http://llm:8000/v1',
      LLM_ENDPOINT: 'http://old:9000/analyze',
    });
    expect(config.llm.provider).toBe('openai');
  });

  it('is derived: generic when only LLM_ENDPOINT is set', () => {
    expect(parse({ LLM_ENDPOINT: 'http://old:9000/analyze' }).llm.provider).toBe('generic');
  });

  it('is derived: none when neither is set', () => {
    expect(parse({ LLM_API_KEY: 'k', LLM_MODEL: 'm' }).llm.provider).toBe('none');
  });

  it('an explicit choice wins when its variable is set', () => {
    const config = parse({
      LLM_PROVIDER: 'Generic',
      LLM_BASE_URL: 'http://llm:8000/v1',
      LLM_ENDPOINT: 'http://old:9000/analyze',
    });
    expect(config.llm.provider).toBe('generic');
  });

  it('openai without LLM_BASE_URL names both variables', () => {
    const error = errorFor({ LLM_PROVIDER: 'openai', LLM_ENDPOINT: 'http://old:9000/analyze' });
    expect(error.issues).toHaveLength(1);
    expect(error.message).toMatch(/^LLM_PROVIDER: .*LLM_BASE_URL/);
  });

  it('generic without LLM_ENDPOINT names both variables', () => {
    const error = errorFor({ LLM_PROVIDER: 'generic', LLM_BASE_URL: 'http://llm:8000/v1' });
    expect(error.message).toMatch(/^LLM_PROVIDER: .*LLM_ENDPOINT/);
  });

  it('is reported alongside unrelated problems', () => {
    const error = errorFor({ LLM_PROVIDER: 'openai', PORT: 'x' });
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual(['LLM_PROVIDER', 'PORT']);
  });
});

describe('LLM model limits', () => {
  it('allows only LLM_MODEL by default', () => {
    expect(parse({ LLM_MODEL: 'gpt-4o-mini' }).llm.allowedModels).toEqual(['gpt-4o-mini']);
  });

  it('always allows LLM_MODEL, first, without repeats', () => {
    expect(parse({ LLM_MODEL: 'b', LLM_ALLOWED_MODELS: 'a,b,c' }).llm.allowedModels).toEqual([
      'b',
      'a',
      'c',
    ]);
  });
});

describe('WEBSOCKET_URL', () => {
  it('is derived from HOST and PORT', () => {
    expect(parse({ HOST: 'agent.internal', PORT: '8080' }).websocketUrl).toBe(
      'ws://agent.internal:8080/api/ws',
    );
  });

  it.each(['0.0.0.0', '::'])('uses loopback for the wildcard address %j', (host) => {
    expect(parse({ HOST: host, PORT: '6000' }).websocketUrl).toBe('ws://127.0.0.1:6000/api/ws');
  });

  it('brackets an IPv6 host', () => {
    expect(defaultWebsocketUrl('::1', 5000)).toBe('ws://[::1]:5000/api/ws');
  });

  it('an explicit value wins', () => {
    expect(
      parse({ HOST: '0.0.0.0', WEBSOCKET_URL: 'wss://public.example.com/api/ws' }).websocketUrl,
    ).toBe('wss://public.example.com/api/ws');
  });
});

describe('Vault credentials', () => {
  it('token auth', () => {
    expect(parse({ VAULT_URL: 'https://vault:8200', VAULT_TOKEN: 't' }).vault).toMatchObject({
      url: 'https://vault:8200',
      authMethod: 'token',
    });
  });

  it('AppRole auth', () => {
    const config = parse({
      VAULT_URL: 'https://vault:8200',
      VAULT_ROLE_ID: 'r',
      VAULT_SECRET_ID: 's',
    });
    expect(config.vault).toMatchObject({ authMethod: 'approle', roleId: 'r', secretId: 's' });
  });

  it('VAULT_URL without credentials names the variables it needs', () => {
    const message = errorFor({ VAULT_URL: 'https://vault:8200' }).message;
    expect(message).toMatch(/^VAULT_URL: /);
    expect(message).toContain('VAULT_TOKEN');
    expect(message).toContain('VAULT_ROLE_ID');
    expect(message).toContain('VAULT_SECRET_ID');
  });

  it('half an AppRole names the missing half', () => {
    expect(errorFor({ VAULT_URL: 'https://vault:8200', VAULT_ROLE_ID: 'r' }).message).toContain(
      'VAULT_SECRET_ID is missing',
    );
    expect(errorFor({ VAULT_URL: 'https://vault:8200', VAULT_SECRET_ID: 's' }).message).toContain(
      'VAULT_ROLE_ID is missing',
    );
  });

  it('credentials without VAULT_URL are not an error (Vault stays off)', () => {
    expect(parse({ VAULT_TOKEN: 't' }).vault.url).toBeNull();
  });
});

describe('licensing', () => {
  it('REQUIRE_LICENSE without LICENSE_KEY is not a start-up error', () => {
    const config = parse({ REQUIRE_LICENSE: 'true' });
    expect(config.license).toEqual({
      required: true,
      key: null,
      signingSecret: null,
      publicKey: null,
    });
  });
});

describe('error messages', () => {
  it('have one line per problem, each naming its variable', () => {
    const error = errorFor({ PORT: 'abc', LOG_LEVEL: 'loud', ENABLE_TRACING: 'maybe' });
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(3);
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'PORT',
      'LOG_LEVEL',
      'ENABLE_TRACING',
    ]);
    error.issues.forEach((issue, index) => {
      expect(lines[index]).toBe(issue.message);
      expect(issue.message.startsWith(`${issue.variable}: `)).toBe(true);
      expect(issue.file).toBeNull();
    });
  });

  it('keep a multi-line value on one line', () => {
    const error = errorFor({ PORT: '50\n00' });
    expect(error.message).toBe(
      'PORT: "50\\n00" is not an integer (expected a port number from 0 to 65535; 0 picks any free port)',
    );
  });

  it('never echo a secret value', () => {
    const marker = 'S3CRET-MARKER';
    const error = errorFor({
      API_KEYS: `${marker}:x, :${marker}, Bad-${marker}:k, ok:${marker} inner`,
      ADMIN_KEYS: `${marker} ${marker}`,
      NOTIFY_WEBHOOK_URL: `ftp://hooks.example.com/${marker}`,
      VAULT_URL: 'https://vault:8200',
      VAULT_ROLE_ID: marker,
    });
    expect(error.issues.length).toBeGreaterThanOrEqual(6);
    expect(error.message).not.toContain(marker);
    expect(JSON.stringify(error.issues)).not.toContain(marker);
    expect(error.message).toContain(
      'NOTIFY_WEBHOOK_URL: the value (secret, not shown) is not an http(s) URL',
    );
  });

  it('is a ConfigError with the structured issues', () => {
    const error = errorFor({ PORT: 'x' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.issues).toEqual([
      {
        variable: 'PORT',
        file: null,
        message:
          'PORT: "x" is not an integer (expected a port number from 0 to 65535; 0 picks any free port)',
      },
    ]);
  });
});
