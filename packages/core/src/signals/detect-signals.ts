import type { FailureCategory } from '../domain/categories.js';
import { SEVERITIES, type Severity } from '../domain/types.js';
import type { LogLevel, LogRecord } from '../ingest/log-record.js';
import { mentionsFailure, mentionsRetry, mentionsSuccess } from './failure-words.js';
import { SIGNATURES, type Signature } from './signature-catalog.js';
import {
  type CatalogIndex,
  type CueMatch,
  indexCatalog,
  matchCues,
  UNAMBIGUOUS,
} from './signature-index.js';

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
  /** A retried failure that itself reports the success ("retry 2/3 succeeded"). */
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
export function detectSignal(
  record: LogRecord,
  index: CatalogIndex,
  lower: string = record.text.toLowerCase(),
): RecordSignal {
  const level = record.level ?? levelInText(record.text, lower);
  const declaredHealthy = level === 'info' || level === 'debug';
  // A line the log itself calls routine counts a cue only when the cue is
  // unambiguous or the line says something failed: an INFO line listing
  // "retry on: timeout, connection reset" is configuration, while
  // "INFO gave up: worker entered FATAL state" is not.
  const routine = declaredHealthy && !mentionsFailure(record.text, true, lower);
  let matches = matchCues(record.text, (routine && index.unambiguous) || index, lower);
  if (routine && matches.length > 0) matches = matches.filter((m) => m.weight >= UNAMBIGUOUS);
  const failing =
    matches.length > 0 ||
    level === 'error' ||
    level === 'fatal' ||
    (!declaredHealthy &&
      mentionsFailure(record.text, level === 'warn', lower) &&
      !(level === 'warn' && handledWarning(lower)));
  const retrying = failing && mentionsRetry(record.text);
  // A healthy record is only asked whether it reports a success when a
  // retried failure waits for one (see `reportsSuccess`).
  const succeeded = retrying && mentionsSuccess(record.text);
  return {
    record,
    severity: severityOf(record, level, matches, failing),
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
  let pending: RecordSignal[] = [];
  for (const s of signals) {
    while (pending.length > 0 && s.record.index - (pending[0]?.record.index ?? 0) > RETRY_WINDOW) {
      pending.shift();
    }
    if (s.retrying) {
      if (s.succeeded) markTransient(s);
      else pending.push(s);
    } else if (pending.length > 0 && reportsSuccess(s)) {
      for (const p of pending) markTransient(p);
      pending = [];
    }
  }
  return signals;
}

// A warning that says how the program carried on ("falling back to", "using
// the default", "ignoring") reports something it handled, not a failure.
const HANDLED =
  /\b(?:falling back|fall back|fallback to|using (?:the )?defaults?|defaulting to|using builtin|will use|ignoring|ignored|skipping|continuing without|proceeding without)\b/;

function handledWarning(lower: string): boolean {
  return HANDLED.test(lower);
}

/** A healthy record that says something went through: it ends the retries before it. */
export function reportsSuccess(signal: RecordSignal): boolean {
  return !signal.failing && mentionsSuccess(signal.record.text);
}

/** Records after a retried failure within which a success still counts as its outcome. */
export const RETRY_WINDOW = 500;

/** A retried failure that later went through: keep the record, drop its weight as a failure. */
export function markTransient(signal: RecordSignal): void {
  signal.transient = true;
  signal.failing = false;
  signal.matches = [];
  signal.severity = 'low';
}

// An upper-case level word near the start of a line the ingester gave no level.
const LEVEL_IN_TEXT =
  /\b(?:(FATAL|CRITICAL|CRIT|EMERG|ALERT|PANIC)|(ERROR|ERR)|(WARNING|WARN)|(INFO|NOTICE)|(DEBUG|TRACE))\b/;
const LEVELS_IN_TEXT: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug'];

const JSON_LEVEL = /"(?:level|severity|lvl|levelname)"\s{0,2}:\s{0,2}"(\w{1,12})"/;
const LEVEL_WORDS: Readonly<Record<string, LogLevel>> = {
  fatal: 'fatal',
  critical: 'fatal',
  panic: 'fatal',
  error: 'error',
  err: 'error',
  warning: 'warn',
  warn: 'warn',
  info: 'info',
  notice: 'info',
  debug: 'debug',
  trace: 'debug',
};

function levelInText(text: string, lower: string): LogLevel | null {
  const head = lower.slice(0, 400);
  if (head.includes('":')) {
    const json = JSON_LEVEL.exec(head);
    if (json) return LEVEL_WORDS[json[1] ?? ''] ?? null;
  }
  const m = LEVEL_IN_TEXT.exec(text.slice(0, 100));
  if (!m) return null;
  const group = m.findIndex((g, i) => i > 0 && g !== undefined);
  return LEVELS_IN_TEXT[group - 1] ?? null;
}

function severityOf(
  record: LogRecord,
  level: LogLevel | null,
  matches: readonly CueMatch[],
  failing: boolean,
): Severity {
  if (!failing) return level === 'warn' ? 'low' : 'info';
  if (level === 'fatal' || FATAL_MARKER.test(record.text.slice(0, 400))) return 'critical';
  let worst = SEVERITIES.indexOf(level === 'warn' ? 'low' : 'medium');
  for (const m of matches) {
    worst = Math.min(worst, SEVERITIES.indexOf(CATEGORY_SEVERITY[m.category]));
  }
  return SEVERITIES[worst] ?? 'medium';
}
