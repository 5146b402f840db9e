import type { VariableName } from './config-schema.js';

export interface ConfigIssue {
  /** The variable at fault, or null when the problem is the .env file itself. */
  readonly variable: VariableName | null;
  /** The .env file at fault, when the problem is in the file's syntax or reading it. */
  readonly file: string | null;
  /** One line naming the variable (or file), the value unless secret, and what is accepted. */
  readonly message: string;
}

/**
 * Thrown by `loadConfig` / `parseConfig`. The message is one line per
 * problem, ready for a fatal log line; secrets are never in it.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => issue.message).join('\n'));
    this.issues = Object.freeze([...issues]);
  }
}
