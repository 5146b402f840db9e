import type { Agent } from '@agent/core';
import type { Logger } from '@agent/observability';
import { startPeriodicTask } from './periodic-task.js';

export interface RetentionOptions {
  agent: Pick<Agent, 'pruneIncidents'>;
  /** INCIDENT_RETENTION_DAYS. */
  retentionDays: number;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** How often to prune after the first run at start-up (default hourly). */
  intervalMs?: number;
}

export interface Retention {
  /** Resolves when the prune in flight (if any) is done. */
  runNow(): Promise<number>;
  stop(): Promise<void>;
}

export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Prunes incidents (and their actions) past INCIDENT_RETENTION_DAYS once at
 * start-up, in the background so listening is not delayed, then every hour.
 * The timer is unref'd: it never keeps the process alive. Replicas each
 * prune; the delete is idempotent, so they need no coordination. A store
 * that is unavailable only logs a warning: the next run tries again.
 */
export function startRetention(options: RetentionOptions): Retention {
  const prune = () =>
    options.agent.pruneIncidents(options.retentionDays).then(
      (pruned) => {
        if (pruned > 0) {
          options.logger.info(
            { pruned, retention_days: options.retentionDays },
            `retention: pruned ${pruned} incident${pruned === 1 ? '' : 's'} older than ${options.retentionDays} days`,
          );
        }
        return pruned;
      },
      (error: unknown) => {
        options.logger.warn({ err: error }, 'retention: could not prune old incidents');
        return 0;
      },
    );
  const task = startPeriodicTask(prune, options.intervalMs ?? RETENTION_INTERVAL_MS);
  void task.runNow();
  return task;
}
