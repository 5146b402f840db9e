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
  /**
   * Defaults to `process.stdout`. Lines are written synchronously, each ending
   * in a newline: one line a call, or a batch of lines in one call (writeLogLines).
   */
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
  const reformat = (line: string): string => {
    try {
      return format(JSON.parse(line) as LogRecord);
    } catch {
      // Not expected from pino; pass the line through rather than lose it.
      return `${line}\n`;
    }
  };
  return {
    write(chunk: string): void {
      // One line from pino, or a batch from writeLogLines (written as one
      // chunk again). JSON escapes inner newlines, so splitting on them is safe.
      const body = chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk;
      if (body === '') return;
      if (!body.includes('\n')) {
        destination.write(reformat(body));
        return;
      }
      let out = '';
      for (const line of body.split('\n')) if (line !== '') out += reformat(line);
      destination.write(out);
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

/** Scrubs secret-named fields at any depth (the logger's own safety net). */
export type Scrub = (record: Record<string, unknown>) => Record<string, unknown>;

/**
 * Writes one line per record at `level` with message `msg`, in ONE write to
 * the logger's destination, each line the one `logger[level](record, msg)`
 * would write (same level label, bindings, secret scrubbing and field order),
 * all stamped with one time: the moment of the call.
 *
 * For emitters of many lines at once (the console span exporter writes a
 * batch of spans): pino stamps, serialises and writes every line on its own,
 * a write call and an ISO time each, which costs a busy server more than the
 * spans themselves. Loggers with pino `redact` paths keep pino's own path.
 *
 * `fields`, for records of one known shape, returns a record's JSON members
 * (the object's text without its braces) exactly as JSON.stringify would
 * write the scrubbed record; it must pass every value that could hold a
 * secret through `scrub`. Without it each record is scrubbed and stringified
 * whole.
 */
export function writeLogLines<R extends Record<string, unknown>>(
  logger: Logger,
  level: pino.Level,
  records: readonly R[],
  msg: string,
  fields: (record: R, scrub: Scrub) => string = (record, scrub) =>
    JSON.stringify(scrub(record)).slice(1, -1),
): void {
  if (records.length === 0 || !logger.isLevelEnabled(level)) return;
  const symbols = pino.symbols;
  const internals = logger as unknown as Record<symbol, unknown>;
  const stringifiers = internals[symbols.stringifiersSym] as Record<PropertyKey, unknown>;
  if (Object.keys(stringifiers).length > 0 || stringifiers[symbols.wildcardFirstSym]) {
    for (const record of records) logger[level](record as Record<string, unknown>, msg);
    return;
  }
  const levelPrefix = (internals[symbols.lsCacheSym] as Record<number, string>)[
    logger.levels.values[level] as number
  ];
  const time = (internals[symbols.timeSym] as () => string)();
  const bindings = internals[symbols.chindingsSym] as string;
  const formatters = internals[symbols.formattersSym] as { log?: Scrub };
  const scrub: Scrub = formatters.log ?? ((record) => record);
  const end = `,"msg":${JSON.stringify(msg)}${internals[symbols.endSym] as string}`;
  const head = `${levelPrefix}${time}${bindings}`;
  let lines = '';
  try {
    for (const record of records) {
      const members = fields(record, scrub);
      lines += members.length > 0 ? `${head},${members}${end}` : `${head}${end}`;
    }
  } catch {
    // A value JSON cannot encode (a BigInt, a cycle): pino's own path copes.
    for (const record of records) logger[level](record as Record<string, unknown>, msg);
    return;
  }
  (internals[symbols.streamSym] as DestinationStream).write(lines);
}
