import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the double received. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The body as received. */
  raw: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  body: unknown;
}

/** How the double answers one request. */
export interface DoubleReply {
  status?: number;
  headers?: Record<string, string>;
  /** An object or array is sent as JSON; a string as it is. */
  body?: unknown;
  /** Wait this long before answering (a slow server); the wait ends when the client goes away. */
  delayMs?: number;
}

export type DoubleHandler = (request: RecordedRequest) => DoubleReply;

export interface ProtocolDouble {
  /** Base URL to configure (`LLM_BASE_URL` for the OpenAI double, `LLM_ENDPOINT` for the generic one). */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Answers the next requests with these, in order, before falling back to the default. */
  reply(...replies: (DoubleReply | DoubleHandler)[]): void;
  /** Replaces the answer given when no queued reply is left. */
  setDefault(handler: DoubleHandler): void;
  close(): Promise<void>;
}

/** The diagnosis a double answers with by default. */
export const DOUBLE_ANSWER = Object.freeze({
  category: 'dns_failure',
  confidence: 0.8,
  root_cause: 'The service could not resolve the host name of its database.',
  summary: 'DNS lookups of the database host fail.',
  remediation: ['Check the DNS record of the database host.', 'Check the resolver configuration.'],
});

/** A chat completion (`POST /chat/completions` response) whose message content is `content`. */
export function chatCompletion(
  content: string | null,
  options: {
    finishReason?: string;
    usage?: { prompt_tokens: number; completion_tokens: number };
  } = {},
): Record<string, unknown> {
  return {
    id: 'chatcmpl-double',
    object: 'chat.completion',
    created: 1_767_225_600,
    model: 'double',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content },
        finish_reason: options.finishReason ?? 'stop',
      },
    ],
    usage: options.usage ?? { prompt_tokens: 321, completion_tokens: 54, total_tokens: 375 },
  };
}

/** An OpenAI-style error body (`{"error": {"message", "type", "param", "code"}}`). */
export function openAiError(
  message: string,
  param: string | null = null,
  code: string | null = null,
) {
  return { error: { message, type: 'invalid_request_error', param, code } };
}

/**
 * A loopback `node:http` server implementing the OpenAI chat-completions
 * API (`POST {url}/chat/completions`) for tests: it checks the request the
 * way OpenAI does (JSON body, a `messages` array, JSON mode only when the
 * messages mention JSON) and answers with a completion whose content is
 * `DOUBLE_ANSWER`, unless replies are queued. `url` ends in `/v1`, as
 * OpenAI's, Ollama's and vLLM's base URLs do.
 */
export function openAiProtocolDouble(): Promise<ProtocolDouble> {
  return startDouble('/v1', (request, base) => {
    if (request.method !== 'POST' || pathOf(request.url) !== `${base}/chat/completions`) {
      return { status: 404, body: openAiError(`Unknown request URL: ${request.url}`) };
    }
    const body = request.body as { messages?: unknown; response_format?: { type?: unknown } };
    if (typeof body !== 'object' || body === null || !Array.isArray(body.messages)) {
      return { status: 400, body: openAiError("'messages' is a required property", 'messages') };
    }
    if (
      body.response_format?.type === 'json_object' &&
      !JSON.stringify(body.messages).toLowerCase().includes('json')
    ) {
      return {
        status: 400,
        body: openAiError(
          "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
          'messages',
        ),
      };
    }
    return { body: chatCompletion(JSON.stringify(DOUBLE_ANSWER)) };
  });
}

/**
 * A loopback server implementing the original product's generic analysis
 * endpoint: `POST {url}` with `{"log", "context", "hypotheses",
 * "categories"}` answers `DOUBLE_ANSWER` unless replies are queued.
 */
export function genericLlmProtocolDouble(): Promise<ProtocolDouble> {
  return startDouble('/analyze', (request, base) => {
    if (request.method !== 'POST' || pathOf(request.url) !== base) {
      return { status: 404, body: { error: 'not found' } };
    }
    const body = request.body as Record<string, unknown> | undefined;
    if (
      typeof body !== 'object' ||
      body === null ||
      typeof body.log !== 'string' ||
      !Array.isArray(body.categories)
    ) {
      return { status: 400, body: { error: 'log and categories are required' } };
    }
    return { body: { ...DOUBLE_ANSWER } };
  });
}

/** A URL on the loopback interface where nothing listens (connection refused). */
export async function refusedUrl(path = '/v1'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

async function startDouble(
  base: string,
  protocol: (request: RecordedRequest, base: string) => DoubleReply,
): Promise<ProtocolDouble> {
  const requests: RecordedRequest[] = [];
  const queue: (DoubleReply | DoubleHandler)[] = [];
  let fallback: DoubleHandler = (request) => protocol(request, base);
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers,
        raw,
        body,
      };
      requests.push(recorded);
      const next = queue.shift() ?? fallback;
      const reply = typeof next === 'function' ? next(recorded) : next;
      const send = () => {
        if (res.destroyed) return;
        const payload =
          typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status ?? 200, {
          'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json',
          ...reply.headers,
        });
        res.end(payload);
      };
      if (reply.delayMs && reply.delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, reply.delayMs);
        timers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
      } else {
        send();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    requests,
    reply(...replies) {
      queue.push(...replies);
    },
    setDefault(handler) {
      fallback = handler;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
