export interface ActuatorContext {
  /** Enforced inside every actuator: when true nothing may leave the process. */
  dryRun: boolean;
  actionId: string;
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
  execute(
    operation: string,
    params: Record<string, unknown>,
    context: ActuatorContext,
  ): Promise<ActuatorResult>;
}
