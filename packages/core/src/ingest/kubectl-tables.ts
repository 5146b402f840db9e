import type { LogLevel } from './log-record.js';

// `kubectl get events` and the Events table of `kubectl describe`: fixed-width
// columns under a header row. The header row gives the column offsets; a row
// is read by slicing at them.

export interface TableColumns {
  /** Offset of the message column. */
  message: number;
  type: number;
  reason: number;
  object: number;
  /** true: `kubectl describe` style (Type/Reason/Message, rows indented). */
  describe: boolean;
}

export interface TableRow {
  message: string;
  level: LogLevel | null;
  source?: string;
  reason?: string;
}

/** Column offsets of an events header row, or null when the line is no such header. */
export function eventsHeader(line: string): TableColumns | null {
  if (line.length > 400) return null;
  const upper = line.includes('MESSAGE') && line.includes('REASON');
  const describe =
    !upper && line.includes('Message') && line.includes('Reason') && line.includes('Type');
  if (!upper && !describe) return null;
  // Only column names and spaces.
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!letter && c !== 32 && c !== 9 && c !== 95 && c !== 45 && c !== 40 && c !== 41) return null;
  }
  const at = (name: string) => {
    const i = line.indexOf(name);
    return i >= 0 && (i === 0 || line.charCodeAt(i - 1) === 32) ? i : -1;
  };
  const message = at(upper ? 'MESSAGE' : 'Message');
  if (message < 0) return null;
  return {
    message,
    type: at(upper ? 'TYPE' : 'Type'),
    reason: at(upper ? 'REASON' : 'Reason'),
    object: upper ? (at('OBJECT') >= 0 ? at('OBJECT') : at('INVOLVED OBJECT')) : at('From'),
    describe,
  };
}

/** Reads one row under the header; null when the line does not line up with the columns. */
export function eventsRow(line: string, columns: TableColumns): TableRow | null {
  if (line.trim() === '' || line.length <= columns.message) return null;
  // The message column starts after a space, and the row is not a separator (----).
  if (columns.message > 0 && line.charCodeAt(columns.message - 1) !== 32) return null;
  if (/^\s*-{3,}/.test(line)) return null;
  const cell = (from: number) => {
    if (from < 0 || from >= line.length) return '';
    let end = line.indexOf('  ', from);
    if (end < 0 || end > columns.message) end = Math.min(line.length, columns.message);
    return line.slice(from, end).trim();
  };
  const type = cell(columns.type);
  const row: TableRow = {
    message: line.slice(columns.message).trim(),
    level: type === 'Warning' ? 'warn' : type === 'Normal' ? 'info' : null,
  };
  const object = cell(columns.object);
  if (object) row.source = object;
  const reason = cell(columns.reason);
  if (reason) row.reason = reason;
  return row;
}

/** `kubectl describe` output: "Name:" at the start and other top-level "Key:" lines. */
export function looksLikeDescribe(lines: readonly string[]): boolean {
  let name = false;
  let others = 0;
  for (const l of lines) {
    if (l.startsWith('Name:')) name = true;
    else if (
      /^(?:Namespace|Labels|Annotations|Status|Containers|Events|Node|IP|Priority|Controlled By|Conditions|Volumes|QoS Class):/.test(
        l,
      )
    ) {
      others++;
    }
  }
  return name && others >= 2;
}
