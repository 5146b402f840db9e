import type { Agent } from '@agent/core';
import type { Logger } from '@agent/observability';
import { startPeriodicTask } from './periodic-task.js';

export interface RemediationSweepOptions {
  agent: Pick<Agent, 'expireApprovals' | 'recoverInterruptedExecutions'>;
  /** APPROVAL_TTL_SEC: the sweep runs often enough for expiries to land close to it. */
  approvalTtlSec: number;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** How often to sweep (default derived from the TTL, see `sweepIntervalMs`). */
  intervalMs?: number;
}

export interface RemediationSweep {
  /** Runs one sweep (or joins the one in flight); never throws. */
  runNow(): Promise<{ expired: number; interrupted: number }>;
  stop(): Promise<void>;
}

/** A tenth of the TTL, between 1 s and 60 s. */
export function sweepIntervalMs(approvalTtlSec: number): number {
  return Math.min(60_000, Math.max(1_000, Math.round((approvalTtlSec * 1000) / 10)));
}

/**
 * Keeps the approvals queue and execution claims honest without anyone
 * touching them: pending approvals past APPROVAL_TTL_SEC are closed
 * (`skipped`, "approval expired", audited), and executions whose process
 * stopped before writing an outcome are marked `failed` (audited). The first
 * run is the start-up recovery, which also ends this process's own claims
 * left from before a restart; it is retried by the next runs until it
 * succeeds. Then it runs every `intervalMs` on an unref'd timer (it never
 * keeps the process alive). Replicas each sweep: every change is a
 * compare-and-set in the store, so they need no coordination. A store that
 * is unavailable only logs a warning.
 */
export function startRemediationSweep(options: RemediationSweepOptions): RemediationSweep {
  const { agent, logger } = options;
  let startupDone = false;

  const sweep = async () => {
    let expired = 0;
    let interrupted = 0;
    try {
      interrupted = await agent.recoverInterruptedExecutions({ startup: !startupDone });
      startupDone = true;
      if (interrupted > 0) {
        logger.warn(
          { interrupted },
          `remediation: ${interrupted} execution${interrupted === 1 ? ' was' : 's were'} interrupted by a stopped server and marked failed`,
        );
      }
    } catch (error) {
      logger.warn({ err: error }, 'remediation: could not recover interrupted executions');
    }
    try {
      expired = await agent.expireApprovals();
      if (expired > 0) {
        logger.info(
          { expired },
          `remediation: ${expired} pending approval${expired === 1 ? '' : 's'} expired`,
        );
      }
    } catch (error) {
      logger.warn({ err: error }, 'remediation: could not expire pending approvals');
    }
    return { expired, interrupted };
  };

  return startPeriodicTask(sweep, options.intervalMs ?? sweepIntervalMs(options.approvalTtlSec));
}
