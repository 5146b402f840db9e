import { type AgentConfig, ConfigError, loadConfig } from '@agent/config';
import { createLogger } from '@agent/observability';

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
    // The configured log format is unknown when configuration is invalid: use text.
    const logger = createLogger({ level: 'info', format: 'text', base: { service: serviceName } });
    if (error instanceof ConfigError) {
      logger.fatal(`invalid configuration: ${error.message}`);
    } else {
      logger.fatal({ err: error }, 'cannot read configuration');
    }
    process.exit(1);
  }
}
