import { readFileSync } from 'node:fs';
import type { SecretStore } from '@agent/core';

export interface EnvironmentSecretStoreOptions {
  /** The process environment, given by the composition root (libraries never read it). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** `SECRETS_FILE`: a JSON object of strings, or a dotenv file. */
  file?: string | null | undefined;
}

export class SecretsFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretsFileError';
  }
}

/**
 * The default secret store: environment variables, then the secrets file.
 * A name is looked up as written, then as an environment-style name
 * (`runbook#token` -> `RUNBOOK_TOKEN`), so one policy file can name a secret
 * the same way for this store and for Vault (`path#key`).
 */
export class EnvironmentSecretStore implements SecretStore {
  readonly name: string;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #file: ReadonlyMap<string, string>;

  /** Reads the secrets file once; throws `SecretsFileError` if it cannot be read or parsed. */
  constructor(options: EnvironmentSecretStoreOptions = {}) {
    this.#env = options.env ?? {};
    this.#file = options.file ? readSecretsFile(options.file) : new Map();
    this.name = options.file ? 'file' : 'environment';
  }

  async get(name: string): Promise<string | undefined> {
    for (const key of [name, environmentName(name)]) {
      const value = this.#env[key] ?? this.#file.get(key);
      if (value !== undefined && value !== '') return value;
    }
    return undefined;
  }
}

/** `runbook/api#token` -> `RUNBOOK_API_TOKEN`. */
export function environmentName(name: string): string {
  return name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function readSecretsFile(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new SecretsFileError(`secrets file ${path}: cannot be read${code ? ` (${code})` : ''}`, {
      cause: error,
    });
  }
  return text.trimStart().startsWith('{') ? parseJson(text, path) : parseDotenv(text, path);
}

function parseJson(text: string, path: string): Map<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Never echo the parser's message: it quotes the file's content.
    throw new SecretsFileError(`secrets file ${path}: not valid JSON`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new SecretsFileError(`secrets file ${path}: expected a JSON object of strings`);
  }
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(json)) {
    if (typeof value !== 'string') {
      throw new SecretsFileError(`secrets file ${path}: "${key}" must be a string`);
    }
    values.set(key, value);
  }
  return values;
}

const DOTENV_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.#/-]*)\s*=\s*(.*?)\s*$/;

function parseDotenv(text: string, path: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const m = DOTENV_LINE.exec(line);
    if (!m) throw new SecretsFileError(`secrets file ${path}: line ${i + 1} is not KEY=VALUE`);
    let value = m[2] ?? '';
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    values.set(m[1]!, value);
  }
  return values;
}
