import type { PluginSpec } from '../playbooks/plugin-catalog.js';
import type { SecretStore } from './secret-store.js';

export interface ActuatorContext {
  /** Enforced inside every actuator: when true nothing may leave the process. */
  dryRun: boolean;
  actionId: string;
  /** Where the actuator reads the secrets its configuration names (headers, tokens). */
  secrets?: SecretStore | undefined;
  signal?: AbortSignal | undefined;
}

export interface ActuatorResult {
  ok: boolean;
  output?: string | undefined;
  error?: string | undefined;
}

/** Carries out the operations of one plugin (webhook, command, notify, ...). */
export interface Actuator {
  readonly plugin: string;
  /** False when the operator has not configured it (no endpoint, empty allowlist): actions are skipped. */
  readonly configured: boolean;
  /** The operations it carries out and their parameter schemas: its entry of the core catalog. */
  readonly spec?: PluginSpec | undefined;
  /**
   * Why this particular action cannot run with the current configuration
   * (an unknown hook or command, a host or executable off the allowlist), or
   * null. Such an action is skipped like one of an unconfigured plugin.
   */
  unavailable?(operation: string, params: Record<string, unknown>): string | null;
  execute(
    operation: string,
    params: Record<string, unknown>,
    context: ActuatorContext,
  ): Promise<ActuatorResult>;
}
