import type { SecretStore } from '../ports/secret-store.js';

/** Secrets held in memory (tests, embedding applications that pass their own). */
export class MemorySecretStore implements SecretStore {
  readonly name = 'memory';
  readonly #values: ReadonlyMap<string, string>;

  constructor(values: Record<string, string> = {}) {
    this.#values = new Map(Object.entries(values));
  }

  async get(name: string): Promise<string | undefined> {
    return this.#values.get(name);
  }
}
