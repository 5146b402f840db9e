import type { Category, FailureCategory } from '../domain/categories.js';
import type { RecordSignal } from '../signals/detect-signals.js';

export interface Hypothesis {
  category: Category;
  /** Strength of the evidence for the category, 0..1 (noisy-or of cue weights over records). */
  strength: number;
  /** Index of the earliest record supporting it. */
  firstIndex: number;
  support: RecordSignal[];
}

/**
 * Which failures commonly cause which others. Used for the contract's
 * root-cause rule: the earliest failure that explains the others wins.
 */
export const CAUSES: Readonly<Partial<Record<FailureCategory, readonly FailureCategory[]>>> = {
  oom: [
    'crash_loop',
    'probe_failure',
    'app_crash',
    'connection_reset',
    'upstream_unavailable',
    'timeout',
  ],
  disk_full: ['crash_loop', 'app_crash', 'db_deadlock', 'timeout', 'file_not_found'],
  fd_exhausted: ['connection_refused', 'connection_reset', 'app_crash', 'timeout'],
  dns_failure: ['timeout', 'connection_refused', 'upstream_unavailable', 'crash_loop', 'app_crash'],
  tls_error: ['connection_reset', 'upstream_unavailable', 'crash_loop', 'app_crash'],
  config_error: [
    'crash_loop',
    'app_crash',
    'probe_failure',
    'connection_refused',
    'file_not_found',
  ],
  dependency_missing: ['crash_loop', 'app_crash', 'probe_failure'],
  file_not_found: ['crash_loop', 'app_crash', 'probe_failure'],
  port_in_use: ['crash_loop', 'app_crash', 'probe_failure'],
  permission_denied: ['crash_loop', 'app_crash', 'probe_failure'],
  auth_failure: ['crash_loop', 'app_crash', 'upstream_unavailable'],
  db_connection_limit: ['timeout', 'upstream_unavailable', 'app_crash', 'probe_failure'],
  db_deadlock: ['timeout', 'app_crash'],
  connection_refused: [
    'upstream_unavailable',
    'crash_loop',
    'app_crash',
    'probe_failure',
    'timeout',
  ],
  image_pull: ['crash_loop'],
  scheduling: ['probe_failure', 'upstream_unavailable'],
  quota_exceeded: ['scheduling', 'app_crash', 'rate_limited'],
  app_crash: ['crash_loop', 'probe_failure', 'connection_refused', 'upstream_unavailable'],
  timeout: ['probe_failure', 'upstream_unavailable'],
  rate_limited: ['timeout', 'app_crash'],
  probe_failure: ['crash_loop'],
};

export function explains(cause: Category, effect: Category): boolean {
  return (CAUSES[cause as FailureCategory] ?? []).includes(effect as FailureCategory);
}

/** One hypothesis per category seen in the signals, strongest first. */
export function formHypotheses(signals: readonly RecordSignal[]): Hypothesis[] {
  const byCategory = new Map<Category, Hypothesis & { miss: number }>();
  for (const signal of signals) {
    // A record counts once per category, with its strongest cue.
    const best = new Map<FailureCategory, number>();
    for (const m of signal.matches)
      best.set(m.category, Math.max(best.get(m.category) ?? 0, m.weight));
    for (const [category, weight] of best) {
      const h = byCategory.get(category) ?? {
        category,
        strength: 0,
        miss: 1,
        firstIndex: signal.record.index,
        support: [],
      };
      h.miss *= 1 - weight;
      h.strength = 1 - h.miss;
      h.support.push(signal);
      byCategory.set(category, h);
    }
  }
  return [...byCategory.values()]
    .map(({ miss: _miss, ...h }) => h)
    .sort((a, b) => b.strength - a.strength || a.firstIndex - b.firstIndex);
}
