// Loopback HTTP servers that follow the real, documented wire protocols of
// the services the adapters talk to. They are protocol doubles, not mocks:
// the adapters reach them over real sockets, with real headers and bodies.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refusedUrl } from '../src/llm/testing/protocol-doubles.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
}

export interface LoopbackServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Handler = (req: RecordedRequest, res: ServerResponse) => unknown;

export async function startLoopbackServer(handler: Handler): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
      };
      requests.push(recorded);
      Promise.resolve(handler(recorded, res)).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A base URL on which nothing listens (a port that was just freed). */
export function downUrl(): Promise<string> {
  return refusedUrl('');
}

// ---------------------------------------------------------------- OPA

export interface OpaProtocolDoubleOptions {
  /** The data document at `/v1/data/{path}` for an input; undefined: the document is undefined. */
  decide?: (input: unknown, path: string) => unknown;
  delayMs?: number;
  /** Send this raw body with 200 instead of `{"result": ...}`. */
  rawBody?: string;
  status?: number;
}

/**
 * OPA's Data API: `POST /v1/data/{path}` with `{"input": ...}` answers 200
 * `{"result": <document>}`, or `{}` when the document is undefined; errors
 * are `{"code", "message"}`.
 */
export function startOpaProtocolDouble(options: OpaProtocolDoubleOptions = {}) {
  return startLoopbackServer(async (req, res) => {
    if (options.delayMs) await sleep(options.delayMs);
    if (req.method === 'GET' && req.path === '/health') return sendJson(res, 200, {});
    if (req.method !== 'POST' || !req.path.startsWith('/v1/data/')) {
      return sendJson(res, 404, { code: 'resource_not_found', message: 'not found' });
    }
    if (options.status && options.status !== 200) {
      return sendJson(res, options.status, { code: 'internal_error', message: 'eval failed' });
    }
    if (options.rawBody !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(options.rawBody);
    }
    const input = (req.json as { input?: unknown } | undefined)?.input;
    const path = req.path.slice('/v1/data/'.length);
    const result = options.decide?.(input, path);
    sendJson(res, 200, result === undefined ? {} : { result, decision_id: 'd-1' });
  });
}

// ---------------------------------------------------------------- Vault

export interface VaultProtocolDoubleOptions {
  /** Tokens Vault accepts (`X-Vault-Token`). */
  tokens?: string[];
  appRole?: { roleId: string; secretId: string; leaseDuration?: number };
  namespace?: string;
  mount?: string;
  /** KV v2 secrets by path. */
  secrets?: Record<string, Record<string, unknown>>;
  delayMs?: number;
  /** `GET /v1/sys/health` answers 503 (sealed). */
  sealed?: boolean;
}

/**
 * Vault's HTTP API as far as the agent uses it: AppRole login
 * (`POST /v1/auth/approle/login` -> `{"auth": {"client_token", "lease_duration"}}`)
 * and KV v2 reads (`GET /v1/{mount}/data/{path}` -> `{"data": {"data", "metadata"}}`),
 * and `GET /v1/sys/health` (200 active, 503 sealed), with `X-Vault-Token`
 * checked (403 `{"errors":["permission denied"]}`),
 * `X-Vault-Namespace` required when set, and 404 `{"errors":[]}` for a path
 * with no secret.
 */
export async function startVaultProtocolDouble(options: VaultProtocolDoubleOptions = {}) {
  const tokens = new Set(options.tokens ?? []);
  const mount = options.mount ?? 'secret';
  let logins = 0;
  const server = await startLoopbackServer(async (req, res) => {
    if (options.delayMs) await sleep(options.delayMs);
    if (options.namespace && req.headers['x-vault-namespace'] !== options.namespace) {
      // Outside the namespace the mount does not exist.
      return sendJson(res, 404, { errors: [] });
    }
    if (req.method === 'POST' && req.path === '/v1/auth/approle/login') {
      const body = req.json as { role_id?: string; secret_id?: string } | undefined;
      const role = options.appRole;
      if (!role || body?.role_id !== role.roleId || body?.secret_id !== role.secretId) {
        return sendJson(res, 400, { errors: ['invalid role or secret ID'] });
      }
      logins++;
      const token = `hvs.login-${logins}`;
      tokens.add(token);
      return sendJson(res, 200, {
        request_id: 'r',
        lease_id: '',
        renewable: false,
        lease_duration: 0,
        data: null,
        auth: {
          client_token: token,
          accessor: 'a',
          policies: ['default', 'devops-agent'],
          lease_duration: role.leaseDuration ?? 3600,
          renewable: true,
        },
      });
    }
    if (req.method === 'GET' && req.path === '/v1/sys/health') {
      const sealed = options.sealed === true;
      return sendJson(res, sealed ? 503 : 200, { initialized: true, sealed, standby: false });
    }
    const prefix = `/v1/${mount}/data/`;
    if (req.method === 'GET' && req.path.startsWith(prefix)) {
      const token = req.headers['x-vault-token'];
      if (typeof token !== 'string' || !tokens.has(token)) {
        return sendJson(res, 403, { errors: ['permission denied'] });
      }
      const path = decodeURIComponent(req.path.slice(prefix.length));
      const data = options.secrets?.[path];
      if (!data) return sendJson(res, 404, { errors: [] });
      return sendJson(res, 200, {
        request_id: 'r',
        lease_id: '',
        renewable: false,
        lease_duration: 0,
        data: {
          data,
          metadata: {
            created_time: '2026-11-20T10:00:00Z',
            deletion_time: '',
            destroyed: false,
            version: 1,
          },
        },
      });
    }
    sendJson(res, 404, { errors: [] });
  });
  return {
    ...server,
    revoke: (token: string) => tokens.delete(token),
    get logins() {
      return logins;
    },
  };
}

// ---------------------------------------------------------------- webhooks

export interface WebhookProtocolDoubleOptions {
  /** Status of each successive request (the last repeats); default 200. */
  statuses?: number[];
  delayMs?: number;
  body?: string;
  /** Answer a redirect to this location. */
  redirectTo?: string;
}

/** A runbook-automation endpoint: records each POST (headers, JSON body) and answers as told. */
export function startWebhookProtocolDouble(options: WebhookProtocolDoubleOptions = {}) {
  let n = 0;
  return startLoopbackServer(async (_req, res) => {
    const status = options.statuses?.[Math.min(n, (options.statuses?.length ?? 1) - 1)] ?? 200;
    n++;
    if (options.delayMs) await sleep(options.delayMs);
    if (options.redirectTo) {
      res.writeHead(307, { location: options.redirectTo });
      return res.end();
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(options.body ?? JSON.stringify({ accepted: status < 300 }));
  });
}

/**
 * A Slack incoming webhook: `POST /services/T.../B.../...` with a JSON body
 * holding `text` (or `blocks`) answers 200 `ok`; a body without them 400
 * `no_text`, an unknown hook path 404 `no_service`; `statuses` forces answers
 * (Slack uses 429 with Retry-After and 500 `rollup_error`); `delayMs` holds
 * each answer back.
 */
export function startSlackProtocolDouble(
  options: { hookPath?: string; statuses?: number[]; delayMs?: number } = {},
) {
  const hookPath = options.hookPath ?? '/services/T000/B000/XXXX';
  let n = 0;
  return startLoopbackServer(async (req, res) => {
    const forced = options.statuses?.[Math.min(n, (options.statuses?.length ?? 1) - 1)];
    n++;
    if (options.delayMs) await sleep(options.delayMs);
    res.setHeader('content-type', 'text/plain');
    if (forced === 429) {
      res.writeHead(429, { 'retry-after': '0' });
      return res.end('rate_limited');
    }
    if (forced && forced >= 500) {
      res.writeHead(forced);
      return res.end('rollup_error');
    }
    if (req.method !== 'POST' || req.path !== hookPath) {
      res.writeHead(404);
      return res.end('no_service');
    }
    const body = req.json as { text?: unknown; blocks?: unknown } | undefined;
    if (!body || (typeof body.text !== 'string' && !Array.isArray(body.blocks))) {
      res.writeHead(400);
      return res.end('no_text');
    }
    res.writeHead(200);
    res.end('ok');
  });
}
