import type { LogLevel } from './log-record.js';

// Level words as logs write them, lower-cased, and what they mean.
const LEVEL_WORDS: ReadonlyMap<string, LogLevel> = new Map([
  ...['emerg', 'emergency', 'alert', 'crit', 'critical', 'fatal', 'severe', 'failure'].map(
    (w) => [w, 'fatal'] as const,
  ),
  ...['err', 'error', 'eror'].map((w) => [w, 'error'] as const),
  ...['warn', 'warning'].map((w) => [w, 'warn'] as const),
  // LOG: PostgreSQL; Note, System: MySQL
  ...['notice', 'info', 'information', 'informational', 'config', 'log', 'note', 'system'].map(
    (w) => [w, 'info'] as const,
  ),
  ...['debug', 'dbug', 'trace', 'fine', 'finer', 'finest', 'verbose'].map(
    (w) => [w, 'debug'] as const,
  ),
]);

/** Every level word `levelOfWord` knows, lower-cased (for prefilters that must not miss one). */
export const LEVEL_WORD_LIST: readonly string[] = Object.freeze([...LEVEL_WORDS.keys()]);

/** A level word (any case): INFO, Warning, err, ... */
export function levelOfWord(word: string): LogLevel | null {
  if (word.length === 0 || word.length > 13) return null;
  return LEVEL_WORDS.get(word.toLowerCase()) ?? null;
}

// syslog severities 0..7 (RFC 5424 section 6.2.1), also journald's PRIORITY.
const SYSLOG_SEVERITIES: readonly LogLevel[] = [
  'fatal', // emergency
  'fatal', // alert
  'fatal', // critical
  'error',
  'warn',
  'info', // notice
  'info',
  'debug',
];

export function levelOfSyslogSeverity(severity: number): LogLevel | null {
  return Number.isInteger(severity) && severity >= 0 && severity <= 7
    ? (SYSLOG_SEVERITIES[severity] ?? null)
    : null;
}

/** A level as structured logs give it: a word, a syslog number, or a bunyan/pino number (10..60). */
export function levelOfValue(value: unknown): LogLevel | null {
  if (typeof value === 'string') {
    const t = value.trim();
    if (/^\d{1,2}$/.test(t)) return levelOfValue(Number(t));
    return levelOfWord(t);
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (value >= 10 && value <= 60) {
      // pino / bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal
      return value >= 60
        ? 'fatal'
        : value >= 50
          ? 'error'
          : value >= 40
            ? 'warn'
            : value >= 30
              ? 'info'
              : 'debug';
    }
    return levelOfSyslogSeverity(value);
  }
  return null;
}
