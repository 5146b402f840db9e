import type { SecretStore } from '@agent/core';
import type { SecretRef } from '../policy/policy-file.js';

/** A secret an action needs is missing or unreadable: the action fails with this reason. */
export class SecretUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretUnavailableError';
  }
}

/**
 * Values from configuration, with secret references read from the store.
 * The message of a failure names the secret, never its value.
 */
export async function resolveSecretValues(
  values: Readonly<Record<string, string | SecretRef>>,
  secrets: SecretStore | undefined,
): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') {
      resolved[key] = value;
      continue;
    }
    if (!secrets) throw new SecretUnavailableError(`secret "${value.secret}": no secret store`);
    let secret: string | undefined;
    try {
      secret = await secrets.get(value.secret);
    } catch (error) {
      throw new SecretUnavailableError(
        `secret "${value.secret}" could not be read: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (secret === undefined || secret === '') {
      throw new SecretUnavailableError(
        `secret "${value.secret}" is missing from the ${secrets.name} secret store`,
      );
    }
    resolved[key] = `${value.prefix}${secret}`;
  }
  return resolved;
}
