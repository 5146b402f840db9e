import { levelOfSyslogSeverity, levelOfValue } from './levels.js';
import type { LogFormat, LogLevel } from './log-record.js';

// Lines that say what they are: JSON lines (application loggers, Docker's
// json-file, `journalctl -o json`), logfmt, syslog with a <PRI> (RFC 5424 and
// RFC 3164) and CRI container logs. Each parser reads by hand or with
// JSON.parse: linear, nothing to backtrack.

export interface ParsedLine {
  message: string;
  level: LogLevel | null;
  format: LogFormat;
  timestamp?: string;
  source?: string;
  /** The message still carries a header of its own (RFC 3164 after <PRI>, a JSON "log" line). */
  needsHeaderStrip?: boolean;
  /** CRI "P": the entry continues on the next line. */
  partial?: boolean;
}

/** Longest line handed to JSON.parse. */
const MAX_JSON = 1 << 20;

const MESSAGE_KEYS = [
  'message',
  'msg',
  'MESSAGE',
  'log',
  'Message',
  '@message',
  'text',
  'short_message',
  'event',
  'body',
];
const LEVEL_KEYS = [
  'level',
  'severity',
  'lvl',
  'loglevel',
  'log.level',
  'levelname',
  'level_name',
  'Level',
  'Severity',
  'severity_text',
  'PRIORITY',
  'priority',
  '@level',
];
const TIME_KEYS = [
  'time',
  'timestamp',
  '@timestamp',
  'ts',
  'datetime',
  '__REALTIME_TIMESTAMP',
  'date',
];
const SOURCE_KEYS = [
  'logger',
  'logger_name',
  'component',
  'SYSLOG_IDENTIFIER',
  '_SYSTEMD_UNIT',
  'service',
  'app',
  'name',
  'caller',
];

/** Parses a line of a structured format; null for anything else. */
export function parseStructuredLine(line: string): ParsedLine | null {
  const c0 = line.charCodeAt(0);
  if (c0 === 123) return parseJsonLine(line); // {
  if (c0 === 60) return parseSyslogPri(line); // <
  if (c0 >= 48 && c0 <= 57) return parseCri(line);
  if ((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || c0 === 95) return parseLogfmt(line);
  return null;
}

function parseJsonLine(line: string): ParsedLine | null {
  const trimmed = line.trimEnd();
  if (trimmed.length > MAX_JSON || trimmed.charCodeAt(trimmed.length - 1) !== 125) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const obj = value as Record<string, unknown>;
  const nested = (key: string): unknown => {
    // ECS style: {"log": {"level": "error"}} as well as "log.level"
    const dot = key.indexOf('.');
    if (dot < 0) return undefined;
    const outer = obj[key.slice(0, dot)];
    return outer && typeof outer === 'object'
      ? (outer as Record<string, unknown>)[key.slice(dot + 1)]
      : undefined;
  };
  const pick = (keys: readonly string[]): unknown => {
    for (const k of keys) {
      const v = obj[k] ?? nested(k);
      if (v !== undefined && v !== null && v !== '') return v;
    }
    return undefined;
  };
  const rawMessage = pick(MESSAGE_KEYS);
  const message = typeof rawMessage === 'string' ? rawMessage.replace(/\r?\n$/, '') : trimmed;
  const level = levelOfValue(pick(LEVEL_KEYS));
  const time = pick(TIME_KEYS);
  const source = pick(SOURCE_KEYS);
  const parsed: ParsedLine = {
    message,
    level,
    format: 'json',
    needsHeaderStrip: level === null && typeof rawMessage === 'string',
  };
  if (typeof time === 'string' || typeof time === 'number') parsed.timestamp = String(time);
  if (typeof source === 'string') parsed.source = source;
  return parsed;
}

/** <PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG (RFC 5424) or <PRI>Mmm dd hh:mm:ss host tag: msg (RFC 3164). */
function parseSyslogPri(line: string): ParsedLine | null {
  let i = 1;
  let pri = 0;
  while (i < line.length && i <= 4) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    pri = pri * 10 + (c - 48);
    i++;
  }
  // Any 1-3 digit PRI: the decision must not depend on digit values (the
  // miner's line cache normalises them), so no "pri <= 191" check.
  if (i === 1 || i > 4 || line.charCodeAt(i) !== 62) return null;
  i++;
  const level = levelOfSyslogSeverity(pri & 7);
  // RFC 5424: a version number right after <PRI>
  let v = i;
  while (v < line.length && v - i < 2 && isDigit(line.charCodeAt(v))) v++;
  if (v > i && line.charCodeAt(v) === 32) {
    const fields: string[] = [];
    let p = v + 1;
    for (let f = 0; f < 5; f++) {
      const space = line.indexOf(' ', p);
      if (space < 0) {
        fields.push(line.slice(p));
        p = line.length;
        break;
      }
      fields.push(line.slice(p, space));
      p = space + 1;
    }
    if (fields.length === 5) {
      p = skipStructuredData(line, p);
      let message = line.slice(p);
      if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
      const parsed: ParsedLine = { message, level, format: 'syslog' };
      if (fields[0] !== '-') parsed.timestamp = fields[0] as string;
      if (fields[2] !== '-') parsed.source = fields[2] as string;
      return parsed;
    }
  }
  return { message: line.slice(i), level, format: 'syslog', needsHeaderStrip: true };
}

/** Skips RFC 5424 STRUCTURED-DATA ("-" or [id k="v" ...]...) and the space after it. */
function skipStructuredData(line: string, start: number): number {
  if (line.charCodeAt(start) === 45) return Math.min(line.length, start + 2); // "- "
  let i = start;
  while (i < line.length && line.charCodeAt(i) === 91) {
    // [ ... ] with "quoted values" that may hold \] and \"
    let inQuote = false;
    i++;
    while (i < line.length) {
      const c = line.charCodeAt(i);
      if (c === 92) i += 2;
      else {
        if (c === 34) inQuote = !inQuote;
        else if (c === 93 && !inQuote) break;
        i++;
      }
    }
    i++;
  }
  return line.charCodeAt(i) === 32 ? i + 1 : i;
}

/** 2024-11-26T23:15:01.123456789Z stdout F message (containerd/CRI-O container logs). */
function parseCri(line: string): ParsedLine | null {
  if (line.length < 30 || line.charCodeAt(4) !== 45 || line.charCodeAt(10) !== 84) return null; // yyyy-..T
  const s1 = line.indexOf(' ');
  if (s1 < 19 || s1 > 40) return null;
  const stream = line.slice(s1 + 1, s1 + 8);
  if (stream !== 'stdout ' && stream !== 'stderr ') return null;
  const tag = line.charCodeAt(s1 + 8);
  if ((tag !== 70 && tag !== 80) || (line.length > s1 + 9 && line.charCodeAt(s1 + 9) !== 32))
    return null;
  return {
    message: line.slice(s1 + 10),
    level: null,
    format: 'cri',
    timestamp: line.slice(0, s1),
    needsHeaderStrip: true,
    partial: tag === 80,
  };
}

/** key=value key="quoted value" ... with a msg or message key. */
function parseLogfmt(line: string): ParsedLine | null {
  if (line.indexOf('msg=') < 0 && line.indexOf('message=') < 0) return null;
  const pairs = new Map<string, string>();
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (c === 61 || c === 32) break;
      i++;
    }
    if (i >= n || line.charCodeAt(i) !== 61 || i === keyStart || i - keyStart > 64) return null;
    const key = line.slice(keyStart, i);
    i++;
    let value = '';
    if (line.charCodeAt(i) === 34) {
      i++;
      let out = '';
      let from = i;
      while (i < n && line.charCodeAt(i) !== 34) {
        if (line.charCodeAt(i) === 92 && i + 1 < n) {
          out += line.slice(from, i);
          const e = line[i + 1] as string;
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
          from = i;
        } else i++;
      }
      if (i >= n) return null; // unterminated quote
      value = out + line.slice(from, i);
      i++;
    } else {
      const start = i;
      while (i < n && line.charCodeAt(i) !== 32) i++;
      value = line.slice(start, i);
    }
    pairs.set(key, value);
  }
  const message = pairs.get('msg') ?? pairs.get('message');
  if (message === undefined || pairs.size < 2) return null;
  const parsed: ParsedLine = {
    message,
    level: levelOfValue(pairs.get('level') ?? pairs.get('lvl') ?? pairs.get('severity')),
    format: 'logfmt',
  };
  const time = pairs.get('time') ?? pairs.get('ts') ?? pairs.get('timestamp');
  if (time) parsed.timestamp = time;
  const source = pairs.get('logger') ?? pairs.get('component') ?? pairs.get('caller');
  if (source) parsed.source = source;
  return parsed;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
