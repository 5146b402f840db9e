// Composition root of the legacy API: the same runtime as the primary API,
// a translating app on LEGACY_PORT.
import { exitOnSignals, exitOnStartupFailure, startRuntime, startServer } from '@agent/api';
import { createLegacyApp } from './app.js';

const SERVICE = 'devops-agent-legacy';

async function main(): Promise<void> {
  const { config, runtime } = await startRuntime(SERVICE);
  const { app } = createLegacyApp(runtime);
  try {
    const running = await startServer({
      fetch: app.fetch,
      port: config.legacyPort,
      host: config.host,
      logger: runtime.logger,
      name: 'devops-agent legacy API',
      onClose: () => runtime.close(),
    });
    exitOnSignals(running, runtime.logger);
  } catch (error) {
    runtime.logger.fatal((error as Error).message);
    await runtime.close();
    process.exit(1);
  }
}

main().catch(exitOnStartupFailure(SERVICE, 'devops-agent legacy API'));
