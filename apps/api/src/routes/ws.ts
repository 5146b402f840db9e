import { defaultRateLimitIdentity, presentedKey } from '@agent/auth';
import { AgentError, ANONYMOUS, type ErrorCode, type Principal } from '@agent/core';
import { createNodeWebSocket } from '@hono/node-ws';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { errorBody } from '../http/errors.js';
import type { RouteTable } from '../http/route-table.js';
import type { Runtime } from '../runtime.js';
import { errorResponses } from '../schemas/common.js';
import { CLOSE, closeReason, type SessionSocket, WebSocketSession } from './ws-session.js';

export const WEBSOCKET_PATH = '/api/ws';

export interface WebSocketOptions {
  /** Server pings every connection this often; a peer that misses one ping is dropped. Default 30 s. */
  readonly pingIntervalMs?: number;
  /** Analyses one connection may run at once. Default 4. */
  readonly maxInFlight?: number;
}

/** What the server needs to carry WebSocket upgrades and to close them on shutdown. */
export interface WebSocketHub {
  /** Hooks the upgrade handling into the listening Node server. */
  inject(server: import('node:http').Server): void;
  /** Shutdown: refuse new work; each connection closes with 1001 once its analyses answered. */
  drain(): void;
  /** Drops every connection at once (after the drain timeout). */
  terminate(): void;
  /** Open connections. */
  readonly size: number;
}

interface Refusal {
  code: ErrorCode;
  message: string;
  close: number;
}

/**
 * `GET /api/ws`: analyses streamed as they reason, and the tenant's new
 * incidents as they happen. The key is checked like HTTP (X-API-Key header
 * or api_key query parameter on the upgrade). A refused upgrade is still
 * accepted as a WebSocket, so that browsers (which cannot read a refused
 * handshake's status) see why: one `{"type":"error"}` message in the
 * contract's shape, then a close code (1008 for a bad key or licence, 1013
 * when rate limited).
 */
export function registerWebSocketRoute(
  app: OpenAPIHono,
  runtime: Runtime,
  table: RouteTable,
  options: WebSocketOptions = {},
): WebSocketHub {
  const { upgradeWebSocket, injectWebSocket, wss } = createNodeWebSocket({ app });
  // ws' default limit is 100 MiB: messages obey the same limit as request
  // bodies. A larger one closes the connection with 1009 before it is buffered.
  wss.options.maxPayload = runtime.config.maxLogBytes;
  const limits = {
    maxInFlight: options.maxInFlight ?? 4,
    maxBufferedBytes: Math.max(8 * 1024 * 1024, 4 * runtime.config.maxLogBytes),
  };
  const sessions = new Set<WebSocketSession>();
  let draining = false;
  let pinger: NodeJS.Timeout | null = null;
  const startPinging = () => {
    pinger ??= setInterval(() => {
      for (const session of sessions) session.heartbeat();
    }, options.pingIntervalMs ?? 30_000);
    pinger.unref();
  };

  const summary = 'WebSocket: analyses streamed step by step, and new incidents of your tenant';
  table.add({ method: 'get', path: WEBSOCKET_PATH, summary }, 'key');
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: WEBSOCKET_PATH,
    summary,
    description: [
      'Upgrade to a WebSocket. Send `{"type":"process_log","id":"...", ...the process_log body}`:',
      'the answer is `{"type":"trace","id","step"}` per reasoning step, then `{"type":"result","id","result"}`,',
      'or `{"type":"error","id","error":{"code","message","request_id"}}`.',
      'Send `{"type":"subscribe","topic":"incidents"}` to receive `{"type":"incident","topic":"incidents","incident"}`',
      'for every new incident of your tenant. Close codes: 1001 server shutting down, 1008 bad key or licence,',
      '1009 message over MAX_LOG_BYTES, 1013 rate limited.',
    ].join(' '),
    tags: ['streaming'],
    security: [{ ApiKeyHeader: [] }, { ApiKeyQuery: [] }],
    // Not a JSON operation: the generated HTTP client leaves it out.
    'x-websocket': true,
    responses: {
      101: { description: 'Switching Protocols: the WebSocket is open' },
      ...errorResponses(400),
    },
  });

  const requireUpgrade: MiddlewareHandler = async function requireUpgrade(c, next) {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      c.header('Upgrade', 'websocket');
      throw new AgentError(
        'validation_failed',
        `${WEBSOCKET_PATH} is a WebSocket endpoint: send an Upgrade: websocket request`,
      );
    }
    await next();
  };

  app.get(
    WEBSOCKET_PATH,
    requireUpgrade,
    upgradeWebSocket(async (c) => {
      const requestId: string = c.get('requestId') ?? 'unknown';
      const refusal = await (async (): Promise<Refusal | null> => {
        if (draining) {
          return {
            code: 'internal_error',
            message: 'the server is shutting down',
            close: CLOSE.goingAway,
          };
        }
        const auth = runtime.keyring.authenticate(presentedKey(c));
        if (!auth.ok) {
          return {
            code: 'unauthorized',
            message:
              auth.reason === 'missing'
                ? 'an API key is required (X-API-Key header or api_key query parameter)'
                : 'the API key is not recognised',
            close: CLOSE.policyViolation,
          };
        }
        c.set('principal', auth.principal);
        if (runtime.license.required) {
          const status = await runtime.license.status();
          if (!status.valid) {
            return {
              code: 'license_invalid',
              message: `licence required: ${status.reason ?? 'invalid'}`,
              close: CLOSE.policyViolation,
            };
          }
        }
        const decision = await runtime.rateLimiter.consume(defaultRateLimitIdentity(c));
        if (!decision.allowed) {
          runtime.metrics.rateLimitedTotal.inc();
          return {
            code: 'rate_limited',
            message: `rate limit exceeded; retry in ${decision.retryAfterSec} s`,
            close: CLOSE.tryAgainLater,
          };
        }
        return null;
      })();
      const principal: Principal = c.get('principal') ?? ANONYMOUS;
      const rateLimitId = defaultRateLimitIdentity(c);
      let session: WebSocketSession | null = null;

      return {
        onOpen(_event, socket) {
          if (refusal) {
            socket.send(
              JSON.stringify({
                type: 'error',
                id: null,
                ...errorBody(refusal.code, refusal.message, requestId),
              }),
            );
            socket.close(refusal.close, closeReason(`${refusal.code}: ${refusal.message}`));
            return;
          }
          session = new WebSocketSession({
            runtime,
            socket: socket as SessionSocket,
            principal,
            rateLimitId,
            limits,
          });
          sessions.add(session);
          startPinging();
          socket.send(
            JSON.stringify({
              type: 'ready',
              request_id: requestId,
              tenant: principal.tenant,
              max_message_bytes: runtime.config.maxLogBytes,
            }),
          );
        },
        onMessage(event) {
          void session?.receive(event.data);
        },
        onClose() {
          if (!session) return;
          session.closed();
          sessions.delete(session);
        },
      };
    }),
  );

  return {
    inject: (server) => injectWebSocket(server),
    drain() {
      draining = true;
      for (const session of sessions) session.drain();
    },
    terminate() {
      for (const session of sessions) session.terminate();
      if (pinger) clearInterval(pinger);
      pinger = null;
    },
    get size() {
      return sessions.size;
    },
  };
}
