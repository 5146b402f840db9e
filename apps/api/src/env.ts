import { type AgentConfig, ConfigError, loadConfig } from '@agent/config';
import { describeError } from '@agent/core';
import { createLogger, LOG_FORMATS, type LogFormat, type Logger } from '@agent/observability';

/**
 * A logger for what happens before (or instead of) the runtime's: start-up
 * failures. It writes in LOG_FORMAT when that names a format, so a log
 * shipper reading json or kv never meets a stray line; otherwise in text.
 */
export function startupLogger(
  serviceName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Logger {
  const wanted = env.LOG_FORMAT?.trim().toLowerCase();
  const format: LogFormat = LOG_FORMATS.includes(wanted as LogFormat)
    ? (wanted as LogFormat)
    : 'text';
  return createLogger({ level: 'info', format, base: { service: serviceName } });
}

/**
 * The handler for a server's failed start: one fatal line, through the
 * start-up logger, with what caused the failure (the database's own words:
 * "database "x" does not exist", "connect ECONNREFUSED 127.0.0.1:5432"),
 * then exit 1.
 */
export function exitOnStartupFailure(serviceName: string, what: string): (error: unknown) => never {
  return (error) => {
    startupLogger(serviceName).fatal(`${what} failed to start: ${describeError(error)}`);
    process.exit(1);
  };
}

/**
 * Routes Node's own warnings (deprecations, experimental features, listener
 * leaks) through the logger instead of Node's plain stderr printer.
 */
export function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    logger.warn(
      { component: 'node', warning: warning.name, code: (warning as { code?: string }).code },
      warning.message,
    );
  });
}

/**
 * Reads and validates the environment (and `.env`) once, before anything
 * starts. A malformed value stops start-up with one fatal line naming the
 * variable and what it accepts.
 */
export function loadConfigOrExit(serviceName: string): AgentConfig {
  try {
    // `pnpm --filter @agent/api start` runs in the app's folder; INIT_CWD is
    // where the command was started, so relative paths (DB_PATH) resolve there
    // and both apps started from the repository root share one store file.
    return loadConfig({ cwd: process.env.INIT_CWD ?? process.cwd() });
  } catch (error) {
    // LOG_FORMAT when it is itself valid, text otherwise.
    const logger = startupLogger(serviceName);
    if (error instanceof ConfigError) {
      logger.fatal(`invalid configuration: ${error.message}`);
    } else {
      logger.fatal({ err: error }, 'cannot read configuration');
    }
    process.exit(1);
  }
}
