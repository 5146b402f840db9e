#!/usr/bin/env node
// The server side of `pnpm bench:store` (started by store-throughput.mjs, not
// by hand): the BUILT primary API, composed exactly as apps/api/src/main.ts
// composes it (configuration from the environment, createRuntime, createApp),
// plus one bare Hono route, POST /__bench/bare, that parses the same JSON body
// and answers a small JSON object. Both are served by ONE node:http server in
// this one process (one core): a request for /__bench/bare goes to a separate
// `new Hono()` app with no middleware, every other request to the API. The
// bare route is the baseline the issue compares process_log with; it exists
// only in this benchmark, never in the shipped server.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const API = join(ROOT, 'apps', 'api');
const { createApp, exitOnSignals, startRuntime, startServer } = await import(
  pathToFileURL(join(API, 'dist', 'index.js')).href
);
// The same hono the API is built with, resolved from the API package.
const fromApi = createRequire(join(API, 'package.json'));
const { Hono } = await import(pathToFileURL(fromApi.resolve('hono')).href);

const { config, runtime } = await startRuntime('devops-agent-bench');
const { app } = createApp(runtime);

const bare = new Hono();
bare.post('/__bench/bare', async (c) => {
  const body = await c.req.json();
  return c.json({ ok: true, bytes: typeof body.log === 'string' ? body.log.length : 0 });
});

const BARE_PATH = '/__bench/bare';
const running = await startServer({
  fetch: (request, env) => {
    // Request#url is absolute; the path starts after the third slash.
    const url = request.url;
    const path = url.slice(url.indexOf('/', url.indexOf('//') + 2));
    return path === BARE_PATH ? bare.fetch(request, env) : app.fetch(request, env);
  },
  port: config.port,
  host: config.host,
  logger: runtime.logger,
  name: 'devops-agent bench server',
  onClose: () => runtime.close(),
});
exitOnSignals(running, runtime.logger);
// The parent waits for this line (the server's own is not written at LOG_LEVEL=warn).
process.stdout.write(`bench server listening on ${running.url}\n`);
