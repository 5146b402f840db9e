import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { readEnvFile } from './env-file.js';
import { type AgentConfig, parseConfig } from './parse-config.js';

export interface LoadConfigOptions {
  /** The environment. Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where `.env` is looked for and relative paths are taken from. Default: process.cwd(). */
  readonly cwd?: string;
  /**
   * The env file. Default: `.env` in `cwd`, skipped when missing. A path
   * given here (relative to `cwd`) must exist. `false`: read no file.
   */
  readonly envFile?: string | false;
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/**
 * Reads the env file, merges it under the real environment and parses the
 * result. The file never overrides a variable set in the environment; a
 * variable set to an empty string counts as unset, so the file's value
 * applies. process.env itself is left untouched.
 */
export function loadConfig(options: LoadConfigOptions = {}): AgentConfig {
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? process.cwd());
  const merged: Record<string, string | undefined> = {};

  if (options.envFile !== false) {
    const explicit = options.envFile !== undefined;
    const file = readEnvFile(resolve(cwd, options.envFile ?? '.env'), explicit);
    if (!file.ok) throw new ConfigError(file.issues);
    Object.assign(merged, file.values);
  }
  for (const [name, value] of Object.entries(env)) {
    if (isSet(value)) merged[name] = value;
  }
  return parseConfig(merged, { cwd });
}
