import type { FailureCategory } from '../domain/categories.js';
import type { Severity } from '../domain/types.js';
import type { LogRecord } from '../ingest/log-record.js';
import { SIGNATURES, type Signature } from './signature-catalog.js';

export interface CueMatch {
  signatureId: string;
  category: FailureCategory;
  weight: number;
}

export interface RecordSignal {
  record: LogRecord;
  severity: Severity;
  matches: CueMatch[];
  /** The record reports a failure of some kind, matched or not. */
  failing: boolean;
}

const ERROR_WORDS = /\b(?:error|exception|fail(?:ed|ure)?|fatal|panic|traceback|critical)\b/i;

/** Signals of each record: severity, the catalog cues it matches, whether it reports a failure. */
export function detectSignals(
  records: readonly LogRecord[],
  catalog: readonly Signature[] = SIGNATURES,
): RecordSignal[] {
  return records.map((record) => {
    const matches: CueMatch[] = [];
    for (const signature of catalog) {
      if (signature.pattern.test(record.text)) {
        matches.push({
          signatureId: signature.id,
          category: signature.category,
          weight: signature.weight,
        });
      }
    }
    const failing =
      matches.length > 0 ||
      record.level === 'error' ||
      record.level === 'fatal' ||
      (record.level !== 'info' && record.level !== 'debug' && ERROR_WORDS.test(record.message));
    return { record, severity: severityOf(record, matches, failing), matches, failing };
  });
}

function severityOf(record: LogRecord, matches: readonly CueMatch[], failing: boolean): Severity {
  if (record.level === 'fatal') return 'critical';
  const strongest = matches.reduce((max, m) => Math.max(max, m.weight), 0);
  if (strongest >= 0.9) return 'high';
  if (failing) return record.level === 'warn' ? 'medium' : 'high';
  if (record.level === 'warn') return 'low';
  return 'info';
}
