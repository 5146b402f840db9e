import { HeaderLayout } from './header-layout.js';
import { eventsHeader, eventsRow, looksLikeDescribe, type TableColumns } from './kubectl-tables.js';
import { levelOfWord } from './levels.js';
import { parseStructuredLine } from './line-formats.js';
import type { LogFormat, LogLevel, LogRecord } from './log-record.js';
import {
  continues,
  continuesAfterBlank,
  isExceptionLine,
  modeOf,
  type RecordState,
} from './multiline.js';

// The streaming ingester: text in (whole or in chunks), records out.
//
//   chunks -> lines (LF, CRLF or CR) -> the first lines teach the header
//   layout -> each line is read as a structured line (JSON, logfmt, syslog
//   <PRI>, CRI), a kubectl table row, or a plain line whose header the layout
//   strips -> lines without a header of their own that continue a stack
//   trace or panic join the record before them -> records.
//
// Memory: the sample lines while the layout is learned, then one record.

/** A record's lines beyond this start a new record. */
const MAX_RECORD_LINES = 1000;
/** A record's characters beyond this start a new record. */
const MAX_RECORD_CHARS = 1 << 20;
/** Longest message kept for mining and matching (the record text is kept whole). */
export const MAX_MESSAGE = 16_384;

interface Building {
  record: LogRecord;
  parts: string[];
  chars: number;
  state: RecordState;
  /** Blank lines seen after the record, kept if the record goes on. */
  blanks: number;
  /** The exception line that ends a Python traceback. */
  exception: string | null;
  partial: boolean;
}

export class LogIngester {
  #remainder = '';
  #crData = '';
  #cr = -1;
  #lineNo = 0;
  #sample: string[] | null = [];
  #sampleStart = 1;
  /** The position in the sample of the line being read, while the sample is read (else -1). */
  #sampleAt = -1;
  #layout: HeaderLayout = HeaderLayout.NONE;
  #describe = false;
  #table: TableColumns | null = null;
  #current: Building | null = null;
  #out: LogRecord[] = [];
  #index = 0;
  readonly #sampleLines: number;

  constructor(options: { sampleLines?: number } = {}) {
    this.#sampleLines = Math.max(1, options.sampleLines ?? HeaderLayout.SAMPLE_LINES);
  }

  /** The header layout learned from the first lines (NONE until then). */
  get layout(): HeaderLayout {
    return this.#layout;
  }

  /** Feeds more text; returns the records completed so far. */
  push(chunk: string): LogRecord[] {
    let data = this.#remainder + chunk;
    this.#remainder = '';
    let start = 0;
    for (;;) {
      const lf = data.indexOf('\n', start);
      if (lf < 0) break;
      this.#physical(data, start, lf > start && data.charCodeAt(lf - 1) === 13 ? lf - 1 : lf);
      start = lf + 1;
    }
    data = data.slice(start);
    // A trailing CR may be half of a CRLF split between chunks.
    this.#remainder = data;
    return this.#drain();
  }

  /** Ends the input; returns the remaining records. */
  end(): LogRecord[] {
    if (this.#remainder.length > 0) {
      const data = this.#remainder;
      this.#remainder = '';
      this.#physical(
        data,
        0,
        data.charCodeAt(data.length - 1) === 13 ? data.length - 1 : data.length,
      );
    }
    this.#learn();
    this.#finish();
    return this.#drain();
  }

  #drain(): LogRecord[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  /** A physical line between two LFs; a lone CR (old Mac endings) also ends a line. */
  #physical(data: string, from: number, to: number): void {
    let s = from;
    for (;;) {
      // The next CR of `data`, searched once and reused (no rescan per line).
      if (this.#crData !== data || (this.#cr >= 0 && this.#cr < s)) {
        this.#crData = data;
        this.#cr = data.indexOf('\r', s);
      }
      const cr = this.#cr;
      if (cr < 0 || cr >= to) break;
      this.#take(data.slice(s, cr));
      s = cr + 1;
    }
    this.#take(data.slice(s, to));
  }

  #take(line: string): void {
    this.#lineNo++;
    if (this.#sample) {
      this.#sample.push(line);
      if (this.#sample.length >= this.#sampleLines) this.#learn();
      return;
    }
    this.#line(line, this.#lineNo);
  }

  #learn(): void {
    const sample = this.#sample;
    if (!sample) return;
    this.#sample = null;
    this.#layout = HeaderLayout.learn(sample);
    this.#describe = looksLikeDescribe(sample.slice(0, 50));
    let n = this.#sampleStart;
    for (let at = 0; at < sample.length; at++) {
      this.#sampleAt = at;
      this.#line(sample[at] as string, n++);
    }
    this.#sampleAt = -1;
  }

  #line(line: string, lineNo: number): void {
    if (isBlank(line)) {
      if (this.#current) this.#current.blanks++;
      this.#table = null;
      return;
    }
    const cur = this.#current;
    if (cur && cur.blanks > 0) {
      if (continuesAfterBlank(cur.state.mode, line) && this.#fits(cur, line)) {
        for (let i = 0; i < cur.blanks; i++) this.#append(cur, '');
        cur.blanks = 0;
        cur.state.mode = continues(cur.state, line) ?? cur.state.mode;
        this.#append(cur, line);
        this.#noteException(cur, line);
        return;
      }
      this.#finish();
    }
    // journalctl markers: "-- Boot 1a2b... --", "-- Logs begin at ... --"
    if (line.startsWith('-- ') && line.endsWith(' --')) {
      this.#finish();
      return;
    }
    const columns = eventsHeader(line);
    if (columns) {
      this.#finish();
      this.#table = columns;
      return;
    }
    if (this.#table) {
      if (isRuleRow(line)) return;
      const row = eventsRow(line, this.#table);
      if (row) {
        this.#finish();
        this.#start(line, lineNo, row.message, row.level, 'kubernetes-events', false, row.source);
        this.#finish();
        return;
      }
      this.#table = null;
    }
    if (this.#describe) {
      this.#finish();
      this.#start(line, lineNo, line.trim(), null, 'kubectl-describe', false);
      this.#finish();
      return;
    }

    const parsed = parseStructuredLine(line);
    if (parsed) {
      let { message, level } = parsed;
      if (parsed.needsHeaderStrip) {
        const s = HeaderLayout.NONE.strip(message, parsed.format === 'syslog');
        message = s.message;
        level ??= s.level;
      }
      if (cur?.partial && cur.record.format === parsed.format) {
        // CRI: a partial line goes on in this one
        this.#append(cur, line);
        cur.record.message += message;
        cur.partial = parsed.partial === true;
        return;
      }
      if (cur && cur.record.format === parsed.format && !hasOwnHeader(message)) {
        const mode = continues(cur.state, message);
        if (mode !== null && this.#fits(cur, line)) {
          cur.state.mode = mode;
          this.#append(cur, line);
          this.#noteException(cur, message.trim());
          return;
        }
      }
      this.#finish();
      const b = this.#start(line, lineNo, message, level, parsed.format, true, parsed.source);
      if (parsed.timestamp !== undefined) b.record.timestamp = parsed.timestamp;
      b.partial = parsed.partial === true;
      b.state.mode = modeOf(message);
      return;
    }

    const stripped = this.#layout.strip(line, false, this.#sampleAt);
    const headed = stripped.offset > 0;
    if (cur && !headed) {
      const mode = continues(cur.state, line);
      if (mode !== null && this.#fits(cur, line)) {
        cur.state.mode = mode;
        this.#append(cur, line);
        this.#noteException(cur, line.trim());
        return;
      }
    }
    this.#finish();
    const message = stripped.message.trim() === '' ? line.trim() : stripped.message;
    const level = stripped.level ?? leadingLevel(message);
    const b = this.#start(line, lineNo, message, level, 'plain', headed);
    b.state.mode = modeOf(message);
  }

  #fits(b: Building, line: string): boolean {
    return b.state.lines < MAX_RECORD_LINES && b.chars + line.length < MAX_RECORD_CHARS;
  }

  #start(
    line: string,
    lineNo: number,
    message: string,
    level: LogLevel | null,
    format: LogFormat,
    headed: boolean,
    source?: string,
  ): Building {
    const record: LogRecord = {
      index: 0,
      line: lineNo,
      lineCount: 1,
      text: '',
      message,
      level,
    };
    if (format !== 'plain') record.format = format;
    if (source !== undefined) record.source = source;
    const b: Building = {
      record,
      parts: [line],
      chars: line.length,
      state: { mode: 'none', lines: 1, headed },
      blanks: 0,
      exception: null,
      partial: false,
    };
    this.#current = b;
    return b;
  }

  #append(b: Building, line: string): void {
    b.parts.push(line);
    b.chars += line.length + 1;
    b.state.lines++;
    b.record.lineCount++;
  }

  #noteException(b: Building, t: string): void {
    if (b.state.mode === 'python-end' && b.exception === null && isExceptionLine(t))
      b.exception = t;
  }

  #finish(): void {
    const b = this.#current;
    if (!b) return;
    this.#current = null;
    const r = b.record;
    r.text = b.parts.length === 1 ? (b.parts[0] as string) : b.parts.join('\n');
    // A Python traceback says what happened on its last line.
    if (b.exception && r.message.trimStart().startsWith('Traceback (most recent call last)')) {
      r.message = b.exception;
    }
    r.message = cleanMessage(r.message);
    r.index = this.#index++;
    this.#out.push(r);
  }
}

/** Reads one line for line-by-line mining: the message without its header, and its level. */
/**
 * Reads one line for line-by-line mining: the message without its header,
 * and its level. Messages are capped at MAX_MESSAGE characters but not
 * cleaned (the miner reads control characters as spaces).
 */
export function messageOfLine(
  line: string,
  layout: HeaderLayout,
): { message: string; level: LogLevel | null } {
  const parsed = parseStructuredLine(line);
  if (parsed) {
    if (!parsed.needsHeaderStrip) return { message: cap(parsed.message), level: parsed.level };
    const s = HeaderLayout.NONE.strip(parsed.message, parsed.format === 'syslog');
    return { message: cap(s.message), level: parsed.level ?? s.level };
  }
  const s = layout.strip(line);
  return { message: cap(s.message), level: s.level };
}

function cap(message: string): string {
  return message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) : message;
}

/** "WARNING: text", "ERROR something": an upper-case level word opening a message (kept in it). */
function leadingLevel(message: string): LogLevel | null {
  let end = 0;
  while (end < message.length && end < 14) {
    const c = message.charCodeAt(end);
    if (c < 65 || c > 90) break;
    end++;
  }
  if (end < 3) return null;
  const next = end < message.length ? message.charCodeAt(end) : 32;
  if (next !== 32 && next !== 58 && next !== 9) return null;
  return levelOfWord(message.slice(0, end));
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 11 && c !== 12) return false;
  }
  return true;
}

/** "  ----    ------   -------": the rule under a describe Events header. */
function isRuleRow(line: string): boolean {
  let dashes = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 45) dashes++;
    else if (c !== 32 && c !== 9) return false;
  }
  return dashes >= 3;
}

/** A message of a structured line that carries its own timestamp or level. */
function hasOwnHeader(message: string): boolean {
  return HeaderLayout.NONE.strip(message).offset > 0;
}

// C0 controls other than tab, DEL, and lone surrogates are noise in a message.
const CONTROL =
  /[\u0000-\u0008\u000a-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Trims, replaces control characters and broken surrogates, caps the length. */
export function cleanMessage(message: string): string {
  let m = message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) : message;
  m = m.replace(CONTROL, ' ');
  return m.trim();
}
