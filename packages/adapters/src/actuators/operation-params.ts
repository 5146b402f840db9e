import type { PluginSpec } from '@agent/core';

/**
 * Validates an operation's parameters against the plugin's catalog schema
 * inside the actuator, so a caller that skipped the planner still cannot pass
 * values that do not fit. Shared by every actuator.
 */
export function parseOperationParams(
  spec: PluginSpec,
  operation: string,
  params: Record<string, unknown>,
): { ok: true; data: Record<string, unknown> } | { ok: false; error: string } {
  const op = spec.operations.find((o) => o.name === operation);
  if (!op) return { ok: false, error: `${spec.name} has no operation "${operation}"` };
  const parsed = op.params.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: `parameter ${issue?.path.join('.') || '(root)'} rejected: ${issue?.message}`,
    };
  }
  return { ok: true, data: parsed.data };
}
