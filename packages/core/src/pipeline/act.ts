import type { Actuator, ActuatorResult } from '../ports/actuator.js';
import type { AuditEntry } from '../ports/knowledge-store.js';
import type { SecretStore } from '../ports/secret-store.js';

/** What an action shows while it runs, until its outcome is written (a crash leaves it so). */
export const EXECUTING = 'execution started and recorded no result';

/** Longest output or error text kept on an action and in the audit log. */
const MAX_TEXT = 4000;

/**
 * Runs one action through its actuator for real (dryRun false). Whatever the
 * actuator throws becomes a failed result with the reason, so one broken
 * action never breaks the request or another action.
 */
export async function runActuator(
  actuator: Actuator,
  action: { actionId: string; operation: string; params: Record<string, unknown> },
  secrets: SecretStore | undefined,
): Promise<ActuatorResult> {
  try {
    const result = await actuator.execute(action.operation, action.params, {
      dryRun: false,
      actionId: action.actionId,
      secrets,
    });
    return {
      ok: result.ok === true,
      output: clip(result.output),
      error: result.ok
        ? clip(result.error)
        : (clip(result.error) ?? 'the actuator reported a failure'),
    };
  } catch (error) {
    return {
      ok: false,
      error: clip(error instanceof Error ? error.message : String(error)) ?? 'unknown error',
    };
  }
}

/** The audit entry of an execution. */
export function executionAudit(
  base: Omit<AuditEntry, 'event' | 'decision' | 'reasons' | 'result'>,
  result: ActuatorResult,
): AuditEntry {
  return {
    ...base,
    event: result.ok ? 'action.executed' : 'action.failed',
    decision: 'allowed',
    reasons: [],
    result: result.ok
      ? `executed${result.output ? `: ${clip(result.output, 200)}` : ''}`
      : `failed: ${clip(result.error, 200) ?? 'unknown error'}`,
  };
}

function clip(text: string | undefined, max = MAX_TEXT): string | undefined {
  if (text === undefined) return undefined;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
