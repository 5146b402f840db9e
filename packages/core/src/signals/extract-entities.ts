import type { IncidentContext } from '../domain/types.js';
import type { LogRecord } from '../ingest/log-record.js';

/** Things a playbook can act on, found in the log or given as request context. */
export interface Entities {
  service?: string;
  namespace?: string;
  pod?: string;
  container?: string;
  host?: string;
  exitCode?: number;
  httpStatus?: number;
  port?: number;
}

// Each extractor is anchored on a keyword and bounded in length, so none can
// backtrack badly on hostile input. `needs`: text one of which every match
// holds, lower-cased (a case-insensitive ASCII keyword is in the lower-cased
// text); a record without any is not searched. Most records hold none of
// them, and eight case-insensitive searches per record were a twentieth of
// a request's CPU.
const EXTRACTORS: readonly {
  key: keyof Entities;
  pattern: RegExp;
  needs: readonly string[];
  numeric?: boolean;
}[] = [
  {
    key: 'namespace',
    pattern: /\bnamespace[=: /"]+([a-z0-9][a-z0-9-]{0,62})/i,
    needs: ['namespace'],
  },
  { key: 'pod', pattern: /\bpod[=: /"]+([a-z0-9][a-z0-9.-]{0,252})/i, needs: ['pod'] },
  {
    key: 'container',
    pattern: /\bcontainer[=: /"]+([a-z0-9][a-z0-9-]{0,62})/i,
    needs: ['container'],
  },
  {
    key: 'service',
    pattern: /\bservice[=: /"]+([a-z0-9][a-z0-9_.-]{0,62})/i,
    needs: ['service'],
  },
  { key: 'host', pattern: /\bhost[=: /"]+([a-z0-9][a-z0-9.-]{0,252})/i, needs: ['host'] },
  {
    key: 'exitCode',
    pattern: /\bexit(?:ed with)? code[=: ]+(\d{1,3})\b/i,
    needs: ['exit'],
    numeric: true,
  },
  {
    key: 'httpStatus',
    pattern: /\b(?:status|HTTP\/\d(?:\.\d)?)[=: ]+([1-5]\d\d)\b/i,
    needs: ['status', 'http/'],
    numeric: true,
  },
  {
    key: 'port',
    pattern: /(?:\bport[=: ]+|:)(\d{2,5})\b(?!\.\d)/i,
    needs: ['port', ':'],
    numeric: true,
  },
];

/** Entities found one record at a time: each key keeps its first value. */
export class EntityCollector {
  readonly #found: Record<string, string | number> = {};
  #missing = EXTRACTORS.length;

  /** `lower`: the record's text lower-cased, when the caller has it already. */
  add(record: LogRecord, lower?: string): void {
    if (this.#missing === 0) return;
    const text = lower ?? record.text.toLowerCase();
    for (const extractor of EXTRACTORS) {
      if (this.#found[extractor.key] !== undefined) continue;
      if (!extractor.needs.some((word) => text.includes(word))) continue;
      const value = extractor.pattern.exec(record.text)?.[1];
      if (value === undefined) continue;
      if (extractor.numeric) {
        const n = Number(value);
        if (Number.isInteger(n) && (extractor.key !== 'port' || (n > 0 && n < 65536))) {
          this.#found[extractor.key] = n;
          this.#missing--;
        }
      } else {
        this.#found[extractor.key] = value;
        this.#missing--;
      }
    }
  }

  /** The entities, with what the caller states outranking what the log suggests. */
  result(context: IncidentContext = {}): Entities {
    const found = { ...this.#found };
    for (const key of ['service', 'namespace', 'host'] as const) {
      if (context[key]) found[key] = context[key];
    }
    return found as Entities;
  }
}

export function extractEntities(
  records: readonly LogRecord[],
  context: IncidentContext = {},
): Entities {
  const collector = new EntityCollector();
  for (const record of records) collector.add(record);
  return collector.result(context);
}
