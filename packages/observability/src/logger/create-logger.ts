import type { DestinationStream, LevelWithSilent, Logger } from 'pino';
import pino from 'pino';
import { formatLogfmtLine, formatTextLine, type LogRecord } from './log-line-format.js';
import { createSecretScrubber, REDACTED } from './redact-secrets.js';

export type { Logger } from 'pino';

export const LOG_FORMATS = ['text', 'json', 'kv'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = LevelWithSilent;

/** Anything with a synchronous `write`, e.g. `process.stdout` or a test array. */
export interface LogDestination {
  write(line: string): void;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Defaults to `process.stdout`. Lines are written synchronously, one call per event. */
  destination?: LogDestination;
  /** Fields on every line (e.g. `{ service, version }`). pid and hostname are left out by default. */
  base?: Record<string, unknown>;
  /** More field names to redact at any depth, on top of SECRET_FIELD_NAMES. */
  redactFields?: readonly string[];
  /** Exact pino redact paths (e.g. `llm.prompt`), for fields whose name alone is not a secret. */
  redactPaths?: readonly string[];
}

/**
 * Wraps a destination so each pino JSON line is re-encoded before it is
 * written. This runs in the caller's thread (no pino transport/worker), so
 * output stays synchronous and ordered with the rest of the process.
 */
function reformattingDestination(
  destination: LogDestination,
  format: (record: LogRecord) => string,
): DestinationStream {
  const writeLine = (line: string): void => {
    if (line === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      // Not expected from pino; pass the line through rather than lose it.
      destination.write(`${line}\n`);
      return;
    }
    destination.write(format(record as LogRecord));
  };
  return {
    write(chunk: string): void {
      // pino writes one newline-terminated line per call; JSON escapes inner
      // newlines, so splitting on them is safe if a chunk ever holds several.
      const body = chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk;
      if (!body.includes('\n')) {
        writeLine(body);
        return;
      }
      for (const line of body.split('\n')) writeLine(line);
    },
  };
}

/**
 * Creates the service logger. `json` is one object a line with an ISO time
 * and a level label; `kv` is logfmt; `text` is for a human at a terminal.
 */
export function createLogger(options: LoggerOptions): Logger {
  const { level, format } = options;
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new TypeError(
      `createLogger: format must be one of ${LOG_FORMATS.join(', ')}, got "${String(format)}"`,
    );
  }
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new TypeError(
      `createLogger: level must be one of ${LOG_LEVELS.join(', ')}, got "${String(level)}"`,
    );
  }
  const destination: LogDestination = options.destination ?? process.stdout;
  if (typeof destination.write !== 'function') {
    throw new TypeError('createLogger: destination must have a write(line) method');
  }

  const stream: DestinationStream =
    format === 'json'
      ? { write: (line: string) => destination.write(line) }
      : reformattingDestination(destination, format === 'kv' ? formatLogfmtLine : formatTextLine);

  const scrubSecrets = createSecretScrubber(options.redactFields);

  const logger = pino(
    {
      level,
      // null drops pino's default pid/hostname: the platform's log shipper
      // knows the host, and deterministic lines are easier to test.
      base: options.base ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        // A label ("info") instead of pino's number (30), as operators read it.
        level: (label) => ({ level: label }),
        // Secret-named fields are replaced at any depth, in logged objects
        // and in child bindings alike.
        log: scrubSecrets,
        // Only ever applied to `base`: pino skips it for child bindings (see below).
        bindings: scrubSecrets,
      },
      serializers: {
        // The log formatter has already turned errors into scrubbed plain
        // objects; pino's default err serializer would mislabel them "Object".
        err: (value: unknown) => value,
      },
      ...(options.redactPaths?.length
        ? { redact: { paths: [...options.redactPaths], censor: REDACTED } }
        : {}),
    },
    stream,
  );

  // pino resets the bindings formatter for children, so child bindings are
  // scrubbed on the way in. Children are created with Object.create(parent),
  // so grandchildren inherit this method too.
  const createChild = logger.child;
  logger.child = function scrubbedChild(this: Logger, bindings, childOptions) {
    return createChild.call(this, scrubSecrets(bindings), childOptions);
  } as Logger['child'];
  return logger;
}
