export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug';

/** How a record's first line was read. */
export type LogFormat =
  | 'plain'
  | 'json'
  | 'logfmt'
  | 'syslog'
  | 'cri'
  | 'kubernetes-events'
  | 'kubectl-describe';

/** One logical record of a submitted log: a line, or a multi-line record such as a stack trace. */
export interface LogRecord {
  /** 0-based position among the records. */
  index: number;
  /** 1-based number of the record's first line in the submitted log. */
  line: number;
  /** Physical lines the record spans. */
  lineCount: number;
  /** The record's text as submitted (lines joined with \n). */
  text: string;
  /** The message with header fields (timestamp, level, host, pid, component) stripped. */
  message: string;
  /** The level the log itself declared, if any. */
  level: LogLevel | null;
  /** How the record was read (absent: plain). */
  format?: LogFormat;
  /** The timestamp a structured line gave (as written). */
  timestamp?: string;
  /** Logger, component, program or Kubernetes object a structured line named. */
  source?: string;
}
