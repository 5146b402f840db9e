import { LogIngester } from './log-ingester.js';
import type { LogRecord } from './log-record.js';

/**
 * Splits a submitted log into records: lines, with stack traces and panics
 * joined into one record each, headers detected and stripped into `message`
 * and `level`. Never throws; empty or blank input gives no records.
 */
export function ingestLog(log: string): LogRecord[] {
  const ingester = new LogIngester();
  const records = ingester.push(log);
  for (const r of ingester.end()) records.push(r);
  return records;
}
