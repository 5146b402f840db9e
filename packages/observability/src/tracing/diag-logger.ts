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
 * Routes OpenTelemetry's own diagnostics (export failures, bad config)
 * through the service logger, so they come out in the configured log format
 * rather than as stray console lines.
 */
export function createDiagLogger(logger: Logger): DiagLogger {
  const diagLogger = logger.child({ component: 'opentelemetry' });
  const write =
    (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') =>
    (message: string, ...args: unknown[]): void => {
      if (args.length === 0) diagLogger[level](message);
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
