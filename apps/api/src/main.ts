// The composition root of the primary API: configuration, adapters, agent,
// app, server. Nothing else constructs adapters.
import { createApp } from './app.js';
import { exitOnStartupFailure, startRuntime } from './env.js';
import { exitOnSignals, startServer } from './http/serve.js';

const SERVICE = 'devops-agent-api';

async function main(): Promise<void> {
  const { config, runtime } = await startRuntime(SERVICE);
  const { app, websocket } = createApp(runtime);
  try {
    const running = await startServer({
      fetch: app.fetch,
      port: config.port,
      host: config.host,
      logger: runtime.logger,
      name: 'devops-agent API',
      onClose: () => runtime.close(),
      websocket,
    });
    runtime.listeningOn(running.port);
    exitOnSignals(running, runtime.logger);
  } catch (error) {
    runtime.logger.fatal((error as Error).message);
    await runtime.close();
    process.exit(1);
  }
}

main().catch(exitOnStartupFailure(SERVICE, 'devops-agent API'));
