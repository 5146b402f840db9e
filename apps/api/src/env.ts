import { type AgentConfig, ConfigError, loadConfig } from '@agent/config';
import { describeError } from '@agent/core';
import { createLogger, LOG_FORMATS, type LogFormat, type Logger } from '@agent/observability';
import { createRuntime, type Runtime } from './runtime.js';

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

/** Shorter than this, a key can be guessed; 32 random hex characters are 128 bits. */
const MIN_KEY_LENGTH = 16;

/**
 * Start-up warnings about the configured keys: open mode (no API_KEYS), and
 * keys short enough to guess, named by their entry and tenant, never by
 * their text. Keys still work: a short key in a lab is the operator's call.
 */
export function warnAboutKeys(config: AgentConfig, logger: Logger): void {
  if (config.apiKeys.length === 0) {
    logger.warn(
      'open mode: API_KEYS is not set, so key routes need no key; auto mode and admin routes stay refused',
    );
  }
  const advice = `shorter than ${MIN_KEY_LENGTH} characters, so it can be guessed; use 32 random ones (openssl rand -hex 16)`;
  config.apiKeys.forEach(({ tenant, key }, index) => {
    if (key.length < MIN_KEY_LENGTH) {
      logger.warn({ tenant }, `API_KEYS entry ${index + 1} (tenant ${tenant}) is ${advice}`);
    }
  });
  config.adminKeys.forEach((key, index) => {
    if (key.length < MIN_KEY_LENGTH) logger.warn(`ADMIN_KEYS entry ${index + 1} is ${advice}`);
  });
}

/**
 * Routes what Node itself would print through the logger, so LOG_FORMAT
 * json/kv output stays parseable to the end: its warnings (deprecations,
 * pg's SSL-mode notice) as warn lines, and an uncaught exception or
 * unhandled rejection as one fatal line, after which the process exits 1 as
 * Node's default would (its state is unknown), instead of a raw stack on
 * stderr. Call it first with the start-up logger, then with the runtime's:
 * each call replaces what the previous one installed.
 */
export function logProcessEvents(logger: Logger): void {
  // Node's own stderr printer is a 'warning' listener too.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    logger.warn(
      { component: 'node', warning: warning.name, code: (warning as { code?: string }).code },
      warning.message,
    );
  });
  if (onUncaught !== null) process.off('uncaughtException', onUncaught);
  onUncaught = (error, origin) => {
    logger.fatal(
      { component: 'node', err: error, origin },
      `${origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception'}: ${describeError(error)}`,
    );
    process.exit(1);
  };
  process.on('uncaughtException', onUncaught);
}

let onUncaught: NodeJS.UncaughtExceptionListener | null = null;

/**
 * What a server does before it builds its app: Node's own output through the
 * start-up logger (warnings while the store opens, say), the configuration
 * read (or one fatal line), the runtime made, then Node's output through the
 * runtime's logger and the warnings about keys.
 */
export async function startRuntime(
  serviceName: string,
): Promise<{ config: AgentConfig; runtime: Runtime }> {
  logProcessEvents(startupLogger(serviceName));
  const config = loadConfigOrExit(serviceName);
  const runtime = await createRuntime(config, { serviceName });
  logProcessEvents(runtime.logger);
  warnAboutKeys(config, runtime.logger);
  return { config, runtime };
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
