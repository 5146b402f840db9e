import { LEVEL_WORD_LIST, levelOfWord } from './levels.js';
import type { LogLevel } from './log-record.js';

// Header detection without being told the format.
//
// Every line's prefix is cut into fields (whitespace or | separated; a
// [bracketed group] is one field) and each field gets a type:
//   T time or date      2015-10-18  18:01:47,978  Jun  [Sun Dec 04 04:47:44 2005]
//   N number            148  1117838570  [19939]
//   L level             INFO  [notice]  ERROR:  <warn>
//   K name ending in :  sshd[24200]:  dfs.DataNode$PacketResponder:  kernel:
//   B other [group]     [main]  [IPC Server handler 13 on 62270]
//   P punctuation       -  |  --
//   I anything else     combo  RAS  KERNEL  Step_LSC
// Each sample line proposes where its header ends: after the first K, after a
// level (and the [thread] and component: right behind it), after the last
// |-separated field, or after the leading timestamp fields. The layout of the
// input is the most common proposal among the first lines, with the types
// seen at each position. A line is stripped by the layout when its own fields
// fit those types; a line that does not fit (a stack frame, a line from
// another source) loses only a leading timestamp and level, if it has them.

/** Field types. */
const T = 1;
const N = 2;
const L = 3;
const K = 4;
const B = 5;
const P = 6;
const I = 7;
const TYPE_NAMES = ' TNLKBPI';

/** Fields of a line inspected at most. */
const MAX_FIELDS = 12;
/** Characters of a line inspected at most for the header. */
const MAX_HEADER = 512;
/** Longest [bracketed] field. */
const MAX_BRACKETED = 256;

const MONTHS_AND_DAYS = new Set(
  'jan feb mar apr may jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun'.split(' '),
);

/**
 * The first two letters (lower case) of every level word and month or day
 * name, one bit each: most words of a header start otherwise, and are then
 * neither, without being sliced out and looked up.
 */
const WORD_STARTS = new Uint8Array(26 * 26);
for (const word of [...LEVEL_WORD_LIST, ...MONTHS_AND_DAYS]) {
  WORD_STARTS[(word.charCodeAt(0) - 97) * 26 + (word.charCodeAt(1) - 97)] = 1;
}

/** Whether a word starting with these two codes may be a level word or a month or day name. */
function mayBeNamed(c0: number, c1: number): boolean {
  // Both must be letters: every such name starts with two.
  if (!isLetterCode(c0) || !isLetterCode(c1)) return false;
  return WORD_STARTS[((c0 | 32) - 97) * 26 + ((c1 | 32) - 97)] === 1;
}

/** What stripping found in a line. */
export interface StrippedLine {
  /** The line without its header. */
  message: string;
  /** Where the message starts in the line. */
  offset: number;
  /** The level the header declared, if any. */
  level: LogLevel | null;
}

interface Field {
  start: number;
  end: number;
  /** Where the next field starts. */
  next: number;
  /** The field was followed by a | separator. */
  piped: boolean;
  type: number;
}

/** The header layout of one input, learned from its first lines. */
export class HeaderLayout {
  /** How many leading lines `learn` looks at. */
  static readonly SAMPLE_LINES = 400;

  /** Number of header fields; 0 when the input shows no consistent header. */
  readonly size: number;
  /** Per position, a bit set of the field types allowed. */
  readonly #allowed: readonly number[];
  /** Per position, whether a | separator follows the field. */
  readonly #piped: readonly boolean[];
  /** The lines `learn` read, by their position in its input. */
  readonly #sampleLines: readonly string[];
  /**
   * The fields of those lines as `learn` scanned them (up to MAX_FIELDS; none
   * for a line it skipped): stripping a sample line, which usually comes
   * next, reads them here instead of scanning the line a second time.
   */
  readonly #sampleFields: readonly (readonly Field[] | undefined)[];

  private constructor(
    size: number,
    allowed: number[],
    piped: boolean[],
    sampleLines: readonly string[] = [],
    sampleFields: readonly (readonly Field[] | undefined)[] = [],
  ) {
    this.size = size;
    this.#allowed = allowed;
    this.#piped = piped;
    this.#sampleLines = sampleLines;
    this.#sampleFields = sampleFields;
  }

  /** A layout that strips nothing but a leading timestamp and level. */
  static readonly NONE = new HeaderLayout(0, [], []);

  /**
   * Learns the layout from sample lines (the first lines of the input): the
   * longest header that at least half of the lines reach, whose last field has
   * the same type in most of them. Each position allows the types those lines
   * show there (a label "-" or "APPREAD", a level, ...).
   */
  static learn(lines: Iterable<string>): HeaderLayout {
    const sampled: { fields: Field[]; size: number }[] = [];
    const sampleLines: string[] = [];
    const sampleFields: (Field[] | undefined)[] = [];
    for (const line of lines) {
      if (sampled.length >= HeaderLayout.SAMPLE_LINES) break;
      sampleLines.push(line);
      sampleFields.push(undefined);
      if (line.length === 0 || isSpace(line.charCodeAt(0))) continue;
      load(line);
      const fields = scanFields(line, MAX_FIELDS);
      sampleFields[sampleFields.length - 1] = fields;
      sampled.push({ fields, size: proposeHeader(fields) });
    }
    const sizes = [...new Set(sampled.map((l) => l.size))]
      .filter((h) => h > 0)
      .sort((x, y) => y - x);
    const needed = Math.max(2, sampled.length * 0.5);
    for (const h of sizes) {
      const reach = sampled.filter((l) => l.size >= h);
      if (reach.length < needed) continue;
      const terminal = new Map<number, number>();
      for (const l of reach) {
        const t = (l.fields[h - 1] as Field).type;
        terminal.set(t, (terminal.get(t) ?? 0) + 1);
      }
      if (Math.max(...terminal.values()) < reach.length * 0.6) continue;
      const allowed: number[] = new Array(h).fill(0);
      const pipedCount: number[] = new Array(h).fill(0);
      for (const l of reach) {
        for (let i = 0; i < h; i++) {
          const f = l.fields[i] as Field;
          allowed[i] = (allowed[i] as number) | (1 << f.type);
          if (f.piped) pipedCount[i] = (pipedCount[i] as number) + 1;
        }
      }
      // The boundary keeps its dominant type only.
      const dominant = [...terminal].sort((x, y) => y[1] - x[1])[0]?.[0] as number;
      allowed[h - 1] = 1 << dominant;
      const piped = pipedCount.map((c) => c * 2 > reach.length);
      return new HeaderLayout(h, allowed, piped, sampleLines, sampleFields);
    }
    // Strips as NONE does, with the sample's fields at hand.
    return new HeaderLayout(0, [], [], sampleLines, sampleFields);
  }

  /** The layout as field types, e.g. "T T L K" (for diagnostics and tests). */
  describe(): string {
    return this.#allowed
      .map((mask, i) => {
        let s = '';
        for (let t = T; t <= I; t++) if (mask & (1 << t)) s += TYPE_NAMES[t];
        return s.length > 1
          ? `(${s})${this.#piped[i] ? '|' : ''}`
          : `${s}${this.#piped[i] ? '|' : ''}`;
      })
      .join(' ');
  }

  /**
   * Strips the header of one line. Never throws; looks at the first few
   * hundred characters only. `trustNames`: a "name:" behind a time ends the
   * header even when the layout does not say so (a line known to be syslog).
   * `sampleAt`: the line's position in the lines this layout learned from,
   * when it is one of them (its fields are then not scanned again).
   */
  strip(line: string, trustNames = false, sampleAt = -1): StrippedLine {
    if (line.length === 0 || isSpace(line.charCodeAt(0))) {
      return { message: line.trim(), offset: 0, level: null };
    }
    load(line);
    // A sample line's whole scan: the scan below is its first size + 1
    // fields (a scan goes on the same whatever its limit), the one after
    // it all of them.
    const known =
      sampleAt >= 0 && this.#sampleLines[sampleAt] === line
        ? this.#sampleFields[sampleAt]
        : undefined;
    let fields: readonly Field[];
    if (known) fields = known;
    else {
      STRIP_FIELDS.length = 0;
      fields = scanFields(line, this.size + 1, STRIP_FIELDS, true);
    }
    let size = 0;
    if (this.size > 0 && fields.length > this.size) {
      size = this.size;
      for (let i = 0; i < this.size; i++) {
        const f = fields[i] as Field;
        if (!((this.#allowed[i] as number) & (1 << f.type)) || (this.#piped[i] && !f.piped)) {
          size = 0;
          break;
        }
      }
    }
    if (size === 0) {
      // Not this input's layout: the line's own proposal, without the "name:"
      // rule (unconfirmed by other lines, "http: TLS handshake error" would lose "http:").
      // A scan that stopped before its limit already holds every field there is.
      if (!known && fields.length === this.size + 1) {
        fields = scanFields(line, MAX_FIELDS, STRIP_FIELDS, true);
      }
      size = proposeHeader(fields, trustNames);
    }
    if (size === 0) return { message: line, offset: 0, level: null };
    let level: LogLevel | null = null;
    for (let i = 0; i < size; i++) {
      const f = fields[i] as Field;
      if (f.type === L || (i === 0 && f.type === T && isGlogPrefix(line, f.start, f.end))) {
        level = levelOf(line, f.start, f.end);
      }
    }
    const offset = (fields[size - 1] as Field).next;
    return { message: line.slice(offset), offset, level };
  }
}

/** Strips headers from lines with a layout learned from their first lines (convenience for batches). */
export function stripHeaders(lines: readonly string[]): string[] {
  const layout = HeaderLayout.learn(lines);
  return lines.map((l) => layout.strip(l).message);
}

/**
 * Where one line's header ends, in fields (0: no header), reading left to
 * right: time fields; a level (with the [thread], component: or "-" right
 * behind it) ends the header when it comes first or close behind other
 * header fields; a name: or a lone "-" ends it when a time came before and at
 * most two fields sit between; a | separator extends it. Without a time, a
 * level or a | there is no header.
 */
function proposeHeader(fields: readonly Field[], nameEnds = true): number {
  let end = 0;
  let time = false;
  let structured = false; // a time, number, [group] or separator seen
  for (let i = 0; i < fields.length - 1; i++) {
    const f = fields[i] as Field;
    // A level word is a header level at the start, or close behind header fields.
    if (f.type === L && (i === 0 || (structured && i - end <= 3))) return afterLevel(fields, i);
    if (f.type === K && !nameEnds) return end;
    if (f.type !== I && f.type !== L) structured = true;
    const near = i - end <= 2;
    if (f.type === T) {
      time = true;
      if (near) end = i + 1;
    } else if (((f.type === K && nameEnds) || isDash(f)) && time && near) {
      end = i + 1;
      if (f.type === K) break;
    }
    if (f.piped) end = i + 1;
    if (i - end >= 8) break;
  }
  return end;
}

/** A lone "-" (or "--", "---" up to `width`) between header fields. */
function isDash(f: Field | undefined, width = 2): boolean {
  return f !== undefined && f.type === P && f.end - f.start <= width;
}

/**
 * After a level: a pid with a "---" (Spring Boot), [thread] groups, then one
 * component: or "-", or a component with a lone ":" (Spring Boot's padded
 * logger) or a [context] behind it; or aligned columns (a padded word).
 */
function afterLevel(fields: readonly Field[], at: number): number {
  const last = fields.length - 1;
  const type = (i: number) => (i < last ? (fields[i] as Field).type : 0);
  let end = at + 1;
  if (type(end) === N && isDash(fields[end + 1] as Field | undefined, 3)) end += 2;
  else if (isDash(fields[end] as Field | undefined, 3) && end < last && type(end + 1) === B) end++;
  const groups = end;
  while (type(end) === B && end - groups < 2) end++;
  const next = fields[end] as Field | undefined;
  if (end < last && next && (next.type === K || isDash(next, 2))) return end + 1;
  if (type(end) === I && end + 1 < last) {
    const after = fields[end + 1] as Field;
    if (after.type === P && after.end - after.start === 1) return end + 2; // logger :
    if (end === at + 1 && after.type === B) {
      // INFO nova.compute.manager [req-1 ...] message
      const third = fields[end + 2] as Field | undefined;
      return end + 2 + (third && end + 2 < last && isDash(third, 2) ? 1 : 0);
    }
    // Info                  CBS    Loaded ...: a padded column
    const level = fields[at] as Field;
    if (end === at + 1 && next && next.next - next.end >= 2 && level.next - level.end >= 2) {
      return end + 1;
    }
  }
  return end;
}

const ERROR_SUFFIXES = ['error', 'exception', 'failure', 'fault', 'panic', 'warning', 'traceback'];

/** java.lang.OutOfMemoryError, ValueError, panic: the start of a message, not a component. */
function namesAnError(line: string, start: number, end: number): boolean {
  if (end - start > 200) return false;
  const name = line.slice(start, end).toLowerCase();
  return ERROR_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

const LETTER_LEVELS: ReadonlyMap<string, LogLevel> = new Map([
  ['V', 'debug'],
  ['D', 'debug'],
  ['I', 'info'],
  ['W', 'warn'],
  ['E', 'error'],
  ['F', 'fatal'],
]);

/** I1126, E0102: a glog level letter and a month-day. */
function isGlogPrefix(line: string, start: number, end: number): boolean {
  if (end - start !== 5 || !LETTER_LEVELS.has(line[start] as string)) return false;
  for (let i = start + 1; i < end; i++) if (!isDigit(code(i))) return false;
  return true;
}

/** file.go:123] (no "[" inside) */
function isSourceLine(line: string, start: number, end: number): boolean {
  if (code(end - 1) !== 93 || !isDigit(code(end - 2))) return false;
  let i = end - 2;
  while (i > start && isDigit(code(i))) i--;
  return code(i) === 58 && line.lastIndexOf('[', end - 1) < start;
}

// The line being read, as character codes in a byte buffer: reading a string
// character by character costs more than copying its head once (natively,
// with TextEncoder.encodeInto, when it is ASCII). Codes past 127 read as 128,
// which no check here tells apart (every one compares with ASCII).
const CODES_LIMIT = MAX_HEADER + MAX_BRACKETED + 2;
const CODES = new Uint8Array(CODES_LIMIT + 5);
const HEAD = CODES.subarray(1);
const ENCODER = new TextEncoder();

/**
 * Loads the head of `line` into CODES from index 1 (CODES[0], always 0,
 * stands for index -1): what `code(i)` reads until the next load.
 */
function load(line: string): void {
  const n = Math.min(line.length, CODES_LIMIT);
  const r = ENCODER.encodeInto(line, HEAD);
  if (r.read === r.written && r.read >= n) return;
  for (let i = 0; i < n; i++) HEAD[i] = Math.min(line.charCodeAt(i), 128);
}

/**
 * The code of the loaded line at `i`, for -1 <= i < its length (and the head
 * limit): the checks here read no further, and a code of 0 at -1 matches
 * nothing, as charCodeAt's NaN did.
 */
function code(i: number): number {
  return CODES[i + 1] as number;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13 || c === 10;
}

/**
 * The fields of the line `strip` reads, and the objects they are: reused from
 * line to line (strip keeps none of them), so a line allocates no fields.
 */
const STRIP_FIELDS: Field[] = [];
const FIELD_POOL: Field[] = [];

/**
 * Cuts the line's prefix into up to `max` fields, going on from `fields` (the
 * result of a scan of the same line with a lower limit, which this one would
 * start with): no field depends on the ones after it. `pooled`: the fields
 * are FIELD_POOL's objects, valid until the next pooled scan.
 */
function scanFields(line: string, max: number, fields: Field[] = [], pooled = false): Field[] {
  const n = Math.min(line.length, MAX_HEADER);
  const last = fields[fields.length - 1];
  // The earlier scan stopped at a field that ended where it started.
  if (last && last.next === last.start) return fields;
  let i = last ? last.next : 0;
  while (i < n && fields.length < max) {
    const start = i;
    let end = -1;
    const c0 = code(i);
    if (c0 === 91) {
      // [bracketed group], may hold spaces
      const close = line.indexOf(']', i + 1);
      if (close > 0 && close - i <= MAX_BRACKETED) {
        end = close + 1;
        // "[x]:" and "[x]," stay one field
        while (end < n && !isSpace(code(end)) && code(end) !== 124) end++;
      }
    }
    if (end < 0) {
      end = i;
      while (end < n) {
        const c = code(end);
        if (isSpace(c) || c === 124) break;
        end++;
      }
    }
    if (end === start) {
      // an empty field between two | separators
      end = start;
    }
    let next = end;
    let piped = false;
    while (next < n && isSpace(code(next))) next++;
    if (next < n && code(next) === 124) {
      piped = true;
      next++;
      while (next < n && isSpace(code(next))) next++;
    }
    if (next >= n && line.length > n) break; // the prefix limit cut this field
    let type = fieldType(line, start, end);
    if (type === I && end - start === 1 && fields.length > 0) {
      // Android's "D", "W": a one-letter level right behind a time or a number
      const prev = (fields[fields.length - 1] as Field).type;
      if ((prev === N || prev === T) && LETTER_LEVELS.has(line[start] as string)) type = L;
    } else if (type === I && fields.length === 0 && isGlogPrefix(line, start, end)) {
      type = T; // klog/glog "I1126": level letter and date
    } else if (type === I && fields.length > 0 && isSourceLine(line, start, end)) {
      type = K; // klog/glog "controller.go:123]" ends the header like "name:"
    }
    if (pooled) {
      let f = FIELD_POOL[fields.length];
      if (!f) {
        f = { start: 0, end: 0, next: 0, piped: false, type: 0 };
        FIELD_POOL.push(f);
      }
      f.start = start;
      f.end = end;
      f.next = next;
      f.piped = piped;
      f.type = type;
      fields.push(f);
    } else fields.push({ start, end, next, piped, type });
    if (next === start) break;
    i = next;
  }
  return fields;
}

function fieldType(line: string, start: number, end: number): number {
  if (end <= start) return P;
  const c0 = code(start);
  const last = code(end - 1);
  if ((c0 === 91 && last === 93) || (c0 === 60 && last === 62) || (c0 === 40 && last === 41)) {
    // [x] <x> (x)
    const inner = innerType(line, start + 1, end - 1);
    return inner === I || inner === K || inner === P ? B : inner;
  }
  if (c0 === 91) {
    // [x]: and the like
    const close = line.lastIndexOf(']', end - 1);
    if (close > start) {
      const inner = innerType(line, start + 1, close);
      if (inner === L || inner === T || inner === N) return inner;
      return last === 58 ? K : B;
    }
  }
  if (last === 58 && end - start > 1) {
    // "name:" but not a time "10:00:" nor a level "ERROR:" nor an error "java.io.IOException:"
    const inner = innerType(line, start, end - 1);
    if (inner === L) return L;
    if (inner === T || inner === N) return T;
    return namesAnError(line, start, end - 1) ? I : K;
  }
  return innerType(line, start, end);
}

function innerType(line: string, start: number, end: number): number {
  const len = end - start;
  if (len <= 0) return P;
  let digits = 0;
  let letters = 0;
  let separators = 0;
  let other = 0;
  let spaces = 0;
  for (let i = start; i < end; i++) {
    const c = code(i);
    if (c >= 48 && c <= 57) digits++;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters++;
    else if (c === 45 || c === 47 || c === 58 || c === 46 || c === 44 || c === 43) separators++;
    else if (c === 32) spaces++;
    else other++;
  }
  if (letters === 0 && digits === 0) return P;
  if (spaces > 0) {
    // A bracketed date "[Sun Dec 04 04:47:44 2005]" or "[26/Nov/2024:23:15:01 +0000]"
    return digits >= 4 && hasTime(start, end) ? T : I;
  }
  if (letters === 0) {
    if (separators === 0 && other === 0) return N;
    if (digits >= 4 && other === 0) return T;
    return I;
  }
  if (digits === 0) {
    if (len <= 13 && len >= 3 && other === 0 && mayBeNamed(code(start), code(start + 1))) {
      const word = line.slice(start, end);
      if (levelOfWord(word)) return L;
      if (len <= 4 && MONTHS_AND_DAYS.has(word.toLowerCase())) return T;
    }
    return I;
  }
  // ISO 8601: 2024-11-26T23:15:01.123Z, 2024-11-26T23:15:01+01:00
  if (digits >= 8 && letters <= 2 && other === 0 && hasTime(start, end)) return T;
  // 26/Nov/2024:23:15:01
  if (digits >= 6 && letters === 3 && other === 0 && hasTime(start, end)) return T;
  return I;
}

/** A HH:MM inside the range. */
function hasTime(start: number, end: number): boolean {
  for (let i = start + 2; i < end - 2; i++) {
    if (
      code(i) === 58 &&
      isDigit(code(i - 1)) &&
      isDigit(code(i - 2)) &&
      isDigit(code(i + 1)) &&
      isDigit(code(i + 2))
    ) {
      return true;
    }
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function levelOf(line: string, start: number, end: number): LogLevel | null {
  if (end - start === 1 || isGlogPrefix(line, start, end)) {
    return LETTER_LEVELS.get(line[start] as string) ?? null;
  }
  let a = start;
  let b = end;
  while (a < b && !isLetterCode(code(a))) a++;
  while (b > a && !isLetterCode(code(b - 1))) b--;
  return levelOfWord(line.slice(a, b));
}

function isLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
