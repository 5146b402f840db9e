import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@agent/config';
import { createApp } from './app.js';
import { openApiDocument } from './routes/docs.js';
import { createRuntime } from './runtime.js';

/**
 * The OpenAPI document `/api/openapi.json` serves under the default
 * configuration, built in-process: no server, no network, and neither the
 * environment nor a `.env` file can change it. The client generator
 * (`pnpm gen:client`) reads it from here.
 */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'devops-agent-openapi-'));
  try {
    const config = loadConfig({
      env: { DB_PATH: join(dir, 'openapi.db'), LOG_LEVEL: 'silent' },
      envFile: false,
      cwd: dir,
    });
    const runtime = await createRuntime(config);
    try {
      const { app } = createApp(runtime);
      return openApiDocument(app, runtime.version);
    } finally {
      await runtime.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
