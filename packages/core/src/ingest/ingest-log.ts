import type { LogLevel, LogRecord } from './log-record.js';

// First version of the ingest stage: line splitting, continuation lines of
// stack traces joined to their record, a light header strip. The log
// intelligence work replaces the heuristics behind this same signature.

const CONTINUATION = /^(?:\s+at\s|\s+\.\.\. \d+ more|Caused by:|\s+File "|\t|\s{4,}\S)/;
const LEVEL = /\b(FATAL|CRITICAL|ERROR|ERR|WARN(?:ING)?|INFO|DEBUG|TRACE)\b/;
const HEADER =
  /^(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?\s+)?(?:\[?(?:FATAL|CRITICAL|ERROR|ERR|WARN(?:ING)?|INFO|DEBUG|TRACE)\]?:?\s+)?/;

export function ingestLog(log: string): LogRecord[] {
  const lines = log.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const records: LogRecord[] = [];
  let current: LogRecord | null = null;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    if (current && CONTINUATION.test(text)) {
      current.text += `\n${text}`;
      current.lineCount++;
      continue;
    }
    if (text.trim() === '') {
      current = null;
      continue;
    }
    current = {
      index: records.length,
      line: i + 1,
      lineCount: 1,
      text,
      message: text.replace(HEADER, '').trim(),
      level: levelOf(text),
    };
    records.push(current);
  }
  return records;
}

function levelOf(text: string): LogLevel | null {
  const match = LEVEL.exec(text.slice(0, 120));
  switch (match?.[1]) {
    case 'FATAL':
    case 'CRITICAL':
      return 'fatal';
    case 'ERROR':
    case 'ERR':
      return 'error';
    case 'WARN':
    case 'WARNING':
      return 'warn';
    case 'INFO':
      return 'info';
    case 'DEBUG':
    case 'TRACE':
      return 'debug';
    default:
      return null;
  }
}
