/**
 * Turns one pino record (already parsed from its JSON line) into a logfmt line
 * or a readable terminal line. Kept free of pino so it can be tested alone.
 */

export type LogRecord = Record<string, unknown>;

// Fields that lead every line in a fixed order; everything else follows in
// the order pino wrote it.
const LEADING_FIELDS = new Set(['time', 'level', 'msg']);

// A logfmt value must be quoted when it is empty or holds whitespace, `=`, a
// quote, a backslash or a control character; otherwise a parser would split
// or misread it.
const NEEDS_QUOTES = /[\s"=\\\u0000-\u001f\u007f]/;
const ESCAPED_CHARS = /[\\"\u0000-\u001f\u007f\u2028\u2029]/g;
const CONTROL_CHARS = /[\u0000-\u001f\u007f\u2028\u2029]/g;
const KEY_INVALID_CHARS = /[\s"=\u0000-\u001f\u007f]/g;

function escapeChar(ch: string): string {
  switch (ch) {
    case '\\':
      return '\\\\';
    case '"':
      return '\\"';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/** Encodes one value the way logfmt parsers (go-logfmt, logfmt for Node) read it back. */
export function logfmtValue(value: string): string {
  if (value === '') return '""';
  if (!NEEDS_QUOTES.test(value)) return value;
  return `"${value.replace(ESCAPED_CHARS, escapeChar)}"`;
}

/** Keys cannot be quoted in logfmt, so characters that would break the pair become `_`. */
export function logfmtKey(key: string): string {
  const safe = key.replace(KEY_INVALID_CHARS, '_');
  return safe === '' ? '_' : safe;
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Flattens nested objects into dotted keys (`err.message=...`) because logfmt
 * has no nesting; arrays stay as JSON text since their order carries meaning.
 */
export function flattenFields(
  record: LogRecord,
  skip: ReadonlySet<string> = LEADING_FIELDS,
): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const walk = (prefix: string, value: unknown): void => {
    if (isPlainObject(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0) {
        pairs.push([prefix, '{}']);
        return;
      }
      for (const [key, inner] of entries) walk(`${prefix}.${key}`, inner);
      return;
    }
    pairs.push([prefix, scalarText(value)]);
  };
  for (const [key, value] of Object.entries(record)) {
    if (skip.has(key) || value === undefined) continue;
    walk(key, value);
  }
  return pairs;
}

function pairsText(pairs: Array<[string, string]>): string {
  let out = '';
  for (const [key, value] of pairs) out += ` ${logfmtKey(key)}=${logfmtValue(value)}`;
  return out;
}

/** `time=... level=info msg="..." key=value` */
export function formatLogfmtLine(record: LogRecord): string {
  const head: Array<[string, string]> = [];
  for (const key of LEADING_FIELDS) {
    if (record[key] !== undefined) head.push([key, scalarText(record[key])]);
  }
  return `${pairsText(head).slice(1)}${pairsText(flattenFields(record))}\n`;
}

/**
 * `2026-01-02T03:04:05.678Z INFO  message key=value`: the time, a padded
 * upper-case level and the message lead so the eye can scan a terminal; the
 * rest is logfmt. Control characters are escaped so an event stays one line.
 */
export function formatTextLine(record: LogRecord): string {
  const time = scalarText(record.time ?? '');
  const level = scalarText(record.level ?? '')
    .toUpperCase()
    .padEnd(5);
  const msg =
    record.msg === undefined ? '' : ` ${scalarText(record.msg).replace(CONTROL_CHARS, escapeChar)}`;
  return `${time} ${level}${msg}${pairsText(flattenFields(record))}\n`;
}
