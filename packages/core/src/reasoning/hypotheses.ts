import type { Category, FailureCategory } from '../domain/categories.js';
import type { RecordSignal } from '../signals/detect-signals.js';

export interface Hypothesis {
  category: Category;
  /** Strength of the evidence for the category, 0..1 (noisy-or of cue weights, each further record counting half the one before). */
  strength: number;
  /** The strongest single cue for the category: how specific the evidence is. */
  maxWeight: number;
  /** Index of the earliest record supporting it. */
  firstIndex: number;
  /** Records supporting it (the first MAX_SUPPORT). */
  support: RecordSignal[];
  /** How many records support it. */
  count: number;
}

const MAX_SUPPORT = 100;
const KEPT_WEIGHTS = 12;
/** Below this, a cue is a hint: it may explain a crash loop, but not claim a stronger failure. */
const CLAIM_STRENGTH = 0.55;

/**
 * Which failures commonly cause which others: the contract's root-cause rule
 * (the earliest failure that explains the others wins). It is a DAG, from
 * resources and configuration, through the network, to what the platform
 * sees (probes, restarts), so exactly the failures nothing else explains are
 * candidates for the root cause.
 */
export const CAUSES: Readonly<Partial<Record<FailureCategory, readonly FailureCategory[]>>> = {
  oom: [
    'connection_refused',
    'connection_reset',
    'timeout',
    'upstream_unavailable',
    'app_crash',
    'probe_failure',
    'crash_loop',
  ],
  disk_full: [
    'timeout',
    'upstream_unavailable',
    'app_crash',
    'probe_failure',
    'crash_loop',
    'scheduling',
  ],
  fd_exhausted: [
    'dns_failure',
    'connection_refused',
    'connection_reset',
    'timeout',
    'upstream_unavailable',
    'app_crash',
    'probe_failure',
    'crash_loop',
  ],
  quota_exceeded: [
    'scheduling',
    'permission_denied',
    'rate_limited',
    'image_pull',
    'app_crash',
    'crash_loop',
  ],
  config_error: [
    'file_not_found',
    'connection_refused',
    'upstream_unavailable',
    'app_crash',
    'probe_failure',
    'crash_loop',
  ],
  dependency_missing: ['file_not_found', 'app_crash', 'probe_failure', 'crash_loop'],
  file_not_found: ['app_crash', 'probe_failure', 'crash_loop'],
  port_in_use: ['upstream_unavailable', 'app_crash', 'probe_failure', 'crash_loop'],
  permission_denied: ['app_crash', 'probe_failure', 'crash_loop'],
  auth_failure: [
    'permission_denied',
    'image_pull',
    'upstream_unavailable',
    'app_crash',
    'probe_failure',
    'crash_loop',
  ],
  tls_error: [
    'connection_reset',
    'image_pull',
    'upstream_unavailable',
    'app_crash',
    'probe_failure',
    'crash_loop',
  ],
  dns_failure: [
    'connection_refused',
    'timeout',
    'image_pull',
    'upstream_unavailable',
    'app_crash',
    'probe_failure',
    'crash_loop',
  ],
  db_connection_limit: [
    'timeout',
    'connection_reset',
    'upstream_unavailable',
    'app_crash',
    'probe_failure',
    'crash_loop',
  ],
  db_deadlock: ['timeout', 'upstream_unavailable', 'app_crash'],
  rate_limited: ['permission_denied', 'image_pull', 'upstream_unavailable', 'app_crash'],
  scheduling: ['upstream_unavailable'],
  image_pull: ['upstream_unavailable'],
  connection_refused: ['upstream_unavailable', 'app_crash', 'probe_failure', 'crash_loop'],
  connection_reset: ['upstream_unavailable', 'app_crash', 'probe_failure'],
  timeout: ['image_pull', 'upstream_unavailable', 'app_crash', 'probe_failure', 'crash_loop'],
  upstream_unavailable: ['app_crash', 'probe_failure', 'crash_loop'],
  app_crash: ['probe_failure', 'crash_loop'],
  probe_failure: ['crash_loop'],
};

export function explains(cause: Category, effect: Category): boolean {
  return (CAUSES[cause as FailureCategory] ?? []).includes(effect as FailureCategory);
}

/** A cause claims an effect when it explains it and its own evidence is more than a hint. */
function claims(cause: Hypothesis, effect: Hypothesis): boolean {
  if (!explains(cause.category, effect.category)) return false;
  return (
    effect.category === 'crash_loop' ||
    cause.strength >= CLAIM_STRENGTH ||
    cause.strength >= effect.strength
  );
}

/** Per-category evidence, gathered one record at a time (bounded memory). */
export class HypothesisBuilder {
  readonly #byCategory = new Map<
    FailureCategory,
    { weights: number[]; firstIndex: number; support: RecordSignal[]; count: number }
  >();
  #records = 0;

  add(signal: RecordSignal): void {
    this.#records++;
    if (signal.matches.length === 0) return;
    // A record counts once per category, with its strongest cue.
    const best = new Map<FailureCategory, number>();
    for (const m of signal.matches) {
      best.set(m.category, Math.max(best.get(m.category) ?? 0, m.weight));
    }
    for (const [category, weight] of best) {
      let entry = this.#byCategory.get(category);
      if (!entry) {
        entry = { weights: [], firstIndex: signal.record.index, support: [], count: 0 };
        this.#byCategory.set(category, entry);
      }
      entry.count++;
      if (entry.support.length < MAX_SUPPORT) entry.support.push(signal);
      insertDescending(entry.weights, weight, KEPT_WEIGHTS);
    }
  }

  /**
   * The hypotheses, root cause first: among the failures no other present
   * failure claims, the one with the most evidence (then the earliest). The
   * rest follow, strongest first. A hint too weak to claim a failure it
   * would explain is left out, so it cannot displace it later.
   */
  build(): Hypothesis[] {
    const all: Hypothesis[] = [];
    for (const [category, e] of this.#byCategory) {
      let miss = 1;
      e.weights.forEach((w, k) => {
        miss *= 1 - w * 0.5 ** k;
      });
      all.push({
        category,
        strength: round(1 - miss),
        maxWeight: e.weights[0] ?? 0,
        firstIndex: e.firstIndex,
        support: e.support,
        count: e.count,
      });
    }
    const kept = all.filter(
      (g) => !all.some((h) => h !== g && explains(g.category, h.category) && !claims(g, h)),
    );
    const roots = kept.filter((h) => !kept.some((g) => g !== h && claims(g, h)));
    const span = Math.max(1, this.#records);
    // Among failures nothing explains, the one with the most evidence (a cue's
    // weight, each repetition adding less), the earlier one when close.
    const rank = (h: Hypothesis) => h.strength + 0.04 * (1 - h.firstIndex / span);
    roots.sort((a, b) => rank(b) - rank(a) || a.firstIndex - b.firstIndex);
    const leader = roots[0];
    if (!leader) return [];
    const rest = kept
      .filter((h) => h !== leader)
      .sort((a, b) => b.strength - a.strength || a.firstIndex - b.firstIndex);
    return [leader, ...rest];
  }
}

/** One hypothesis per category seen in the signals, the root cause first. */
export function formHypotheses(signals: readonly RecordSignal[]): Hypothesis[] {
  const builder = new HypothesisBuilder();
  for (const s of signals) builder.add(s);
  return builder.build();
}

function insertDescending(list: number[], value: number, max: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] ?? 0) < value) i--;
  if (i >= max) return;
  list.splice(i, 0, value);
  if (list.length > max) list.pop();
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
