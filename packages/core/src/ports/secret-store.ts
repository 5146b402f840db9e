/** Reads named secrets (webhook tokens, API credentials). Values never leave the process in a response or log. */
export interface SecretStore {
  readonly name: string;
  /** The secret's value, or undefined when it does not exist. Throws when the backend is unreachable. */
  get(name: string): Promise<string | undefined>;
}
