// Which lines continue the record before them: stack traces and panics of
// Java (and other JVM languages), Python, Node.js and Go are one record each.
// Checks read the first characters of a line; no regular expression here.

/** What kind of multi-line record is being read. */
export type TraceMode = 'none' | 'java' | 'python' | 'python-end' | 'go' | 'node';

export interface RecordState {
  mode: TraceMode;
  /** Lines in the record so far. */
  lines: number;
  /** The record's first line carried a header (timestamp, level, ...). */
  headed: boolean;
}

/** The mode a record takes from its first line. */
export function modeOf(line: string): TraceMode {
  const t = line.trimStart();
  if (t.startsWith('Traceback (most recent call last)')) return 'python';
  if (t.startsWith('panic: ') || t.startsWith('fatal error: ')) return 'go';
  if (t.startsWith('Exception in thread ') || isExceptionLine(t)) return 'java';
  if (isSourceLocation(t)) return 'node';
  return 'none';
}

/**
 * Whether a line without a header of its own continues the current record,
 * and the record's mode after it. Blank lines are decided by the caller with
 * `continuesAfterBlank`.
 */
export function continues(state: RecordState, line: string): TraceMode | null {
  const indent = indentation(line);
  const t = indent > 0 ? line.trimStart() : line;
  const { mode } = state;
  // Frames and chained causes, whatever the language.
  if (indent > 0 && (t.startsWith('at ') || t.startsWith('... ')))
    return mode === 'none' ? 'java' : mode;
  if (t.startsWith('Caused by: ') || t.startsWith('Suppressed: ')) return 'java';
  if (mode === 'python' || mode === 'python-end') {
    if (indent > 0) return 'python';
    if (isPythonChain(t)) return 'python-end';
    if (t.startsWith('Traceback (most recent call last)')) return 'python';
    if (mode === 'python' && (isExceptionLine(t) || isBareIdentifier(t))) return 'python-end';
    return null;
  }
  if (mode === 'go') {
    if (indent > 0 || isGoTraceLine(t)) return 'go';
    return null;
  }
  if (indent >= 4 || line.charCodeAt(0) === 9) return mode;
  if (mode === 'node' && (isCaretLine(t) || isExceptionLine(t) || t.startsWith('Node.js v'))) {
    return 'node';
  }
  // The exception a logger prints under its message line (logback, log4j, logging.exception).
  if (state.headed && state.lines === 1) {
    if (t.startsWith('Traceback (most recent call last)')) return 'python';
    if (isExceptionLine(t) || t.startsWith('Exception in thread ')) return 'java';
  }
  if (mode === 'java' && isExceptionLine(t)) return 'java';
  return null;
}

/** Whether blank lines inside a record of this mode are kept when `next` follows them. */
export function continuesAfterBlank(mode: TraceMode, next: string): boolean {
  const t = next.trimStart();
  switch (mode) {
    case 'python':
    case 'python-end':
      return isPythonChain(t) || t.startsWith('Traceback (most recent call last)');
    case 'go':
      return t.startsWith('goroutine ') || t.startsWith('[signal ') || t.startsWith('exit status ');
    case 'node':
      return isExceptionLine(t) || t.startsWith('Node.js v');
    default:
      return false;
  }
}

function indentation(line: string): number {
  let i = 0;
  let width = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 32) width++;
    else if (c === 9) width += 4;
    else break;
    i++;
  }
  return width;
}

function isPythonChain(t: string): boolean {
  return (
    t.startsWith('During handling of the above exception') ||
    t.startsWith('The above exception was the direct cause')
  );
}

const EXCEPTION_SUFFIXES = [
  'Error',
  'Exception',
  'Exit',
  'Interrupt',
  'Warning',
  'Fault',
  'Throwable',
  'Failure',
  'Panic',
];

/**
 * "java.lang.IllegalStateException: boom", "ValueError: bad", "TypeError:
 * Cannot read ...", "KeyboardInterrupt": a (dotted) name ending like an
 * exception class, then ":" or the end of the line.
 */
export function isExceptionLine(t: string): boolean {
  let end = 0;
  const limit = Math.min(t.length, 200);
  while (end < limit) {
    const c = t.charCodeAt(end);
    const ok =
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      (c >= 48 && c <= 57) ||
      c === 46 ||
      c === 95 ||
      c === 36;
    if (!ok) break;
    end++;
  }
  if (end === 0 || (end < t.length && t.charCodeAt(end) !== 58)) return false;
  const name = t.slice(0, end);
  return EXCEPTION_SUFFIXES.some((s) => name.endsWith(s));
}

/** A lone exception name closing a Python traceback: "KeyboardInterrupt", "StopIteration". */
function isBareIdentifier(t: string): boolean {
  if (t.length === 0 || t.length > 80) return false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (
      !(
        (c >= 65 && c <= 90) ||
        (c >= 97 && c <= 122) ||
        (c >= 48 && c <= 57) ||
        c === 46 ||
        c === 95
      )
    ) {
      return false;
    }
  }
  return true;
}

/** goroutine 1 [running]:, [signal SIGSEGV ...], created by ..., main.main(), exit status 2 */
function isGoTraceLine(t: string): boolean {
  if (
    t.startsWith('goroutine ') ||
    t.startsWith('[signal ') ||
    t.startsWith('created by ') ||
    t.startsWith('exit status ') ||
    t.startsWith('panic: ') ||
    t.startsWith('[recovered]')
  ) {
    return true;
  }
  // A function line: pkg.Func(args) with no space before the "(".
  const paren = t.indexOf('(');
  if (paren <= 0 || t.charCodeAt(t.length - 1) !== 41) return false;
  const space = t.indexOf(' ');
  return space < 0 || space > paren;
}

function isCaretLine(t: string): boolean {
  if (t.length === 0) return false;
  for (let i = 0; i < t.length; i++)
    if (t.charCodeAt(i) !== 94 && t.charCodeAt(i) !== 32) return false;
  return true;
}

/** "/app/server.js:12" heading a Node.js uncaught exception. */
function isSourceLocation(t: string): boolean {
  const colon = t.lastIndexOf(':');
  if (colon <= 0 || colon === t.length - 1 || t.indexOf(' ') >= 0) return false;
  for (let i = colon + 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const file = t.slice(0, colon);
  return (
    file.endsWith('.js') || file.endsWith('.mjs') || file.endsWith('.cjs') || file.endsWith('.ts')
  );
}
