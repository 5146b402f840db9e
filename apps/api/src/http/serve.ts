import type { AddressInfo } from 'node:net';
import type { Logger } from '@agent/observability';
import { type ServerType, serve } from '@hono/node-server';

export interface ServeOptions {
  // biome-ignore lint/suspicious/noExplicitAny: Hono's fetch takes its own env type
  fetch: (request: Request, env: any) => Response | Promise<Response>;
  port: number;
  host: string;
  logger: Logger;
  /** Name in the listening line, e.g. "devops-agent API". */
  name: string;
  /** Called once, after the server stopped accepting and in-flight requests finished. */
  onClose: () => Promise<void>;
  /** How long in-flight requests may take to finish on shutdown. */
  drainTimeoutMs?: number;
  /** WebSocket upgrades (the API's `/api/ws`): attached once listening, drained on shutdown. */
  websocket?: WebSocketAttachment;
}

export interface WebSocketAttachment {
  inject(server: import('node:http').Server): void;
  /** Refuse new work; close each connection once its in-flight work answered. */
  drain(): void;
  /** Drop every connection (when the drain timeout is over). */
  terminate(): void;
}

export interface RunningServer {
  server: ServerType;
  url: string;
  port: number;
  /** Stop accepting, finish in-flight requests, then run onClose. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Listens and logs one line with the URL. Resolves once listening, rejects
 * with a clear message when the port is taken. Shared by both apps.
 */
export function startServer(options: ServeOptions): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: options.fetch, port: options.port, hostname: options.host });
    // Slow or stuck clients must not hold connections forever.
    const http = server as unknown as import('node:http').Server;
    http.headersTimeout = 15_000;
    http.requestTimeout = 60_000;
    http.keepAliveTimeout = 5_000;

    let stopping: Promise<void> | null = null;
    options.websocket?.inject(http);
    const shutdown = () => {
      stopping ??= new Promise<void>((done) => {
        const force = setTimeout(() => {
          http.closeAllConnections();
          options.websocket?.terminate();
        }, options.drainTimeoutMs ?? 10_000);
        force.unref();
        http.close(() => {
          clearTimeout(force);
          options.websocket?.terminate();
          options.onClose().finally(done);
        });
        // Upgraded sockets keep close() open until they end.
        options.websocket?.drain();
        // Idle keep-alive sockets would otherwise hold close() open.
        http.closeIdleConnections();
      });
      return stopping;
    };

    server.once('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.code === 'EADDRINUSE'
          ? `port ${options.port} on ${options.host} is already in use; set a free port with the PORT variable`
          : error.code === 'EACCES'
            ? `no permission to listen on ${options.host}:${options.port}`
            : `cannot listen on ${options.host}:${options.port}: ${error.message}`;
      reject(new Error(message));
    });
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${host}:${address.port}`;
      options.logger.info({ url, port: address.port }, `${options.name} listening on ${url}`);
      resolve({ server, url, port: address.port, shutdown });
    });
  });
}

/** SIGTERM / SIGINT: stop accepting, finish in-flight requests, close the store, exit. */
export function exitOnSignals(running: RunningServer, logger: Logger): void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    running.shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
