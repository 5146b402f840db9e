import type { DiagLogger } from '@opentelemetry/api';
import type { Logger } from '../logger/create-logger.js';

const MAX_DETAIL_LENGTH = 500;

function describe(arg: unknown): unknown {
  if (arg instanceof Error) return `${arg.name}: ${arg.message}`;
  if (arg === null || ['string', 'number', 'boolean'].includes(typeof arg)) return arg;
  let text: string;
  try {
    text = JSON.stringify(arg) ?? String(arg);
  } catch {
    text = String(arg);
  }
  return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH)}...` : text;
}

/**
 * The error in a message of OpenTelemetry's global error handler, which
 * passes a thrown error (an export that failed) as its JSON, stack and all:
 * `{"stack":"Error: connect ECONNREFUSED ...","message":...,"code":...}`.
 * Logged as its message and code; the stack of a socket error says nothing.
 */
function thrownError(message: string): { message: string; code: string | undefined } | null {
  if (!message.startsWith('{"')) return null;
  try {
    const parsed: unknown = JSON.parse(message);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { message: text, code } = parsed as { message?: unknown; code?: unknown };
    if (typeof text !== 'string' || text === '') return null;
    return { message: text, code: typeof code === 'string' ? code : undefined };
  } catch {
    return null;
  }
}

/**
 * Routes OpenTelemetry's own diagnostics (export failures, bad config)
 * through the service logger, so they come out in the configured log format
 * rather than as stray console lines.
 */
export function createDiagLogger(logger: Logger): DiagLogger {
  const diagLogger = logger.child({ component: 'opentelemetry' });
  const write =
    (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') =>
    (message: string, ...args: unknown[]): void => {
      const error = args.length === 0 ? thrownError(message) : null;
      if (error) diagLogger[level]({ code: error.code }, `OpenTelemetry: ${error.message}`);
      else if (args.length === 0) diagLogger[level](message);
      else diagLogger[level]({ details: args.map(describe) }, message);
    };
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    verbose: write('trace'),
  };
}
