import type { FailureCategory } from '../domain/categories.js';
import { SEVERITIES, type Severity } from '../domain/types.js';
import type { LogRecord } from '../ingest/log-record.js';
import { mentionsFailure, mentionsRetry, mentionsSuccess } from './failure-words.js';
import { SIGNATURES, type Signature } from './signature-catalog.js';
import { type CatalogIndex, type CueMatch, indexCatalog, matchCues } from './signature-index.js';

export type { CueMatch };

export interface RecordSignal {
  record: LogRecord;
  severity: Severity;
  matches: CueMatch[];
  /** The record reports a failure of some kind, matched or not. */
  failing: boolean;
  /**
   * A failure the log itself shows was retried and then went through ("retrying
   * in 2s" ... "connected"). It is not counted: no cues, not failing.
   */
  transient: boolean;
  /** The record reports a retry (a transient failure if a success follows). */
  retrying: boolean;
  /** The record reports a success (connected, recovered, ready...). */
  succeeded: boolean;
}

/** How bad a failure of each category is on its own. */
const CATEGORY_SEVERITY: Readonly<Record<FailureCategory, Severity>> = {
  oom: 'high',
  disk_full: 'critical',
  fd_exhausted: 'high',
  connection_refused: 'high',
  connection_reset: 'medium',
  timeout: 'medium',
  dns_failure: 'high',
  tls_error: 'high',
  auth_failure: 'medium',
  permission_denied: 'medium',
  crash_loop: 'high',
  image_pull: 'medium',
  scheduling: 'medium',
  probe_failure: 'medium',
  port_in_use: 'high',
  config_error: 'high',
  dependency_missing: 'high',
  file_not_found: 'medium',
  app_crash: 'high',
  db_connection_limit: 'high',
  db_deadlock: 'medium',
  rate_limited: 'medium',
  upstream_unavailable: 'high',
  quota_exceeded: 'medium',
};

const FATAL_MARKER = /\b(?:FATAL|PANIC|EMERG(?:ENCY)?)\b|\[(?:emerg|alert|crit)\]|^F\d{4} /m;

/** Signals of one record. Transient failures need the rest of the log: see `markTransient`. */
export function detectSignal(record: LogRecord, index: CatalogIndex): RecordSignal {
  const matches = matchCues(record.text, index);
  const level = record.level;
  const failing =
    matches.length > 0 ||
    level === 'error' ||
    level === 'fatal' ||
    (level !== 'info' && level !== 'debug' && mentionsFailure(record.text));
  const retrying = failing && mentionsRetry(record.text);
  const succeeded = mentionsSuccess(record.text);
  return {
    record,
    severity: severityOf(record, matches, failing),
    matches,
    failing,
    transient: false,
    retrying,
    succeeded,
  };
}

/** Signals of each record: severity, the catalog cues it matches, whether it reports a failure. */
export function detectSignals(
  records: readonly LogRecord[],
  catalog: readonly Signature[] = SIGNATURES,
): RecordSignal[] {
  const index = indexCatalog(catalog);
  const signals = records.map((r) => detectSignal(r, index));
  let successLater = false;
  for (let i = signals.length - 1; i >= 0; i--) {
    const s = signals[i]!;
    if (s.retrying && (successLater || s.succeeded)) markTransient(s);
    if (s.succeeded && !s.failing) successLater = true;
  }
  return signals;
}

/** A retried failure that later went through: keep the record, drop its weight as a failure. */
export function markTransient(signal: RecordSignal): void {
  signal.transient = true;
  signal.failing = false;
  signal.matches = [];
  signal.severity = 'low';
}

function severityOf(record: LogRecord, matches: readonly CueMatch[], failing: boolean): Severity {
  if (!failing) return record.level === 'warn' ? 'low' : 'info';
  if (record.level === 'fatal' || FATAL_MARKER.test(record.text.slice(0, 400))) return 'critical';
  let worst = SEVERITIES.indexOf(record.level === 'warn' ? 'low' : 'medium');
  for (const m of matches) {
    worst = Math.min(worst, SEVERITIES.indexOf(CATEGORY_SEVERITY[m.category]));
  }
  return SEVERITIES[worst] ?? 'medium';
}
