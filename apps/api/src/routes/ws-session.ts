import { randomUUID } from 'node:crypto';
import { RateLimitedError } from '@agent/auth';
import {
  AgentError,
  type ErrorCode,
  type Principal,
  toWireResult,
  toWireTraceStep,
} from '@agent/core';
import type { WSContext } from 'hono/ws';
import { errorBody } from '../http/errors.js';
import { depthExceeds, MAX_JSON_DEPTH } from '../http/json-body.js';
import type { Runtime } from '../runtime.js';
import { ProcessLogRequestSchema } from '../schemas/process-log.js';

/** Close codes (RFC 6455 section 7.4.1) this endpoint uses. */
export const CLOSE = {
  /** The client or the server ended the conversation. */
  normal: 1000,
  /** The server is shutting down. */
  goingAway: 1001,
  /** A bad or missing key, an invalid licence, or a client that stopped reading. */
  policyViolation: 1008,
  /** A message larger than MAX_LOG_BYTES (sent by the ws library itself). */
  messageTooBig: 1009,
  /** Rate limited at connection time: retry later. */
  tryAgainLater: 1013,
} as const;

/** What the client may send; anything else is a `validation_failed` error message. */
export const CLIENT_MESSAGE_TYPES = ['process_log', 'subscribe', 'unsubscribe', 'ping'] as const;
export const TOPICS = ['incidents'] as const;

export interface SessionLimits {
  /** Analyses one connection may run at once; more are answered `rate_limited`. */
  readonly maxInFlight: number;
  /** A client that lets this much pile up unread is closed (1008). */
  readonly maxBufferedBytes: number;
}

/** The socket as the session needs it (hono's WSContext over a `ws` WebSocket). */
export type SessionSocket = WSContext<{
  bufferedAmount: number;
  ping(): void;
  terminate(): void;
  on(event: 'pong', listener: () => void): unknown;
}>;

type Outgoing = Record<string, unknown> & { type: string };

/**
 * One WebSocket conversation after the upgrade was authenticated. The
 * same rules as HTTP apply to every message: the same zod schema as
 * `POST /api/process_log`, the same rate limiter and identity, the
 * licence, and the contract's error body (inside `{"type":"error"}`).
 */
export class WebSocketSession {
  readonly #runtime: Runtime;
  readonly #socket: SessionSocket;
  readonly #principal: Principal;
  readonly #rateLimitId: string;
  readonly #limits: SessionLimits;
  #inFlight = 0;
  #unsubscribe: (() => void) | null = null;
  #alive = true;
  #draining = false;
  #closed = false;

  constructor(options: {
    runtime: Runtime;
    socket: SessionSocket;
    principal: Principal;
    rateLimitId: string;
    limits: SessionLimits;
  }) {
    this.#runtime = options.runtime;
    this.#socket = options.socket;
    this.#principal = options.principal;
    this.#rateLimitId = options.rateLimitId;
    this.#limits = options.limits;
    options.socket.raw?.on('pong', () => {
      this.#alive = true;
    });
  }

  /** Keep-alive: called every interval. A peer that did not answer the last ping is dropped. */
  heartbeat(): void {
    if (this.#closed) return;
    if (!this.#alive) {
      this.#runtime.logger.info(
        { tenant: this.#principal.tenant },
        'websocket: peer stopped answering pings',
      );
      this.#socket.raw?.terminate();
      return;
    }
    this.#alive = false;
    this.#socket.raw?.ping();
  }

  /** Shutdown: refuse new work, close with 1001 once in-flight analyses have answered. */
  drain(): void {
    this.#draining = true;
    if (this.#inFlight === 0) this.close(CLOSE.goingAway, 'server shutting down');
  }

  terminate(): void {
    this.#socket.raw?.terminate();
  }

  /** The peer closed (or we did): stop streaming incidents. */
  closed(): void {
    this.#closed = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#socket.close(code, closeReason(reason));
  }

  async receive(data: unknown): Promise<void> {
    this.#alive = true;
    const requestId = randomUUID();
    if (typeof data !== 'string') {
      this.#error(
        null,
        requestId,
        'unsupported_media_type',
        'messages must be JSON text frames, not binary',
      );
      return;
    }
    if (depthExceeds(data, MAX_JSON_DEPTH)) {
      this.#error(
        null,
        requestId,
        'validation_failed',
        `message nests deeper than ${MAX_JSON_DEPTH} levels`,
      );
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch (error) {
      this.#error(
        null,
        requestId,
        'invalid_json',
        `message is not valid JSON: ${(error as Error).message}`,
      );
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.#error(
        null,
        requestId,
        'validation_failed',
        'message: expected a JSON object with a "type"',
      );
      return;
    }
    const { type, id: rawId, ...rest } = message as Record<string, unknown>;
    const id = typeof rawId === 'string' ? rawId : null;
    try {
      if (this.#draining) {
        throw new AgentError(
          'internal_error',
          'the server is shutting down; reconnect to another replica',
        );
      }
      switch (type) {
        case 'process_log':
          await this.#processLog(rawId, rest, requestId);
          return;
        case 'subscribe':
        case 'unsubscribe':
          await this.#subscription(type, rest.topic);
          return;
        case 'ping':
          this.#send(id === null ? { type: 'pong' } : { type: 'pong', id });
          return;
        default:
          throw new AgentError(
            'validation_failed',
            `type: expected one of ${CLIENT_MESSAGE_TYPES.join(', ')}`,
          );
      }
    } catch (error) {
      this.#fail(id, requestId, error);
    }
  }

  async #processLog(
    rawId: unknown,
    body: Record<string, unknown>,
    requestId: string,
  ): Promise<void> {
    if (typeof rawId !== 'string' || rawId.length === 0 || rawId.length > 128) {
      throw new AgentError('validation_failed', 'id: a string of 1 to 128 characters is required');
    }
    const id = rawId;
    if (this.#inFlight >= this.#limits.maxInFlight) {
      throw new AgentError(
        'rate_limited',
        `at most ${this.#limits.maxInFlight} analyses may run at once on one connection`,
      );
    }
    // Counted before the work so a burst cannot overshoot the limit.
    this.#inFlight++;
    try {
      await this.#admit();
      const parsed = ProcessLogRequestSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue?.path.length ? issue.path.join('.') : 'message';
        throw new AgentError('validation_failed', `${field}: ${issue?.message ?? 'invalid value'}`);
      }
      const request = parsed.data;
      const result = await this.#runtime.agent.processLog({
        log: request.log,
        mode: request.mode,
        includeTrace: request.include_trace,
        llmConfig: request.llm_config,
        context: request.context,
        principal: this.#principal,
        onTrace: request.include_trace
          ? (step) => this.#send({ type: 'trace', id, step: toWireTraceStep(step) })
          : undefined,
      });
      this.#send({ type: 'result', id, result: toWireResult(result) });
    } catch (error) {
      this.#fail(id, requestId, error);
    } finally {
      this.#inFlight--;
      if (this.#draining && this.#inFlight === 0)
        this.close(CLOSE.goingAway, 'server shutting down');
    }
  }

  async #subscription(type: 'subscribe' | 'unsubscribe', topic: unknown): Promise<void> {
    if (!TOPICS.includes(topic as (typeof TOPICS)[number])) {
      throw new AgentError('validation_failed', `topic: expected one of ${TOPICS.join(', ')}`);
    }
    if (type === 'unsubscribe') {
      this.#unsubscribe?.();
      this.#unsubscribe = null;
      this.#send({ type: 'unsubscribed', topic });
      return;
    }
    await this.#admit();
    if (!this.#unsubscribe && !this.#closed) {
      const principal = this.#principal;
      this.#unsubscribe = this.#runtime.incidentEvents.subscribe((event) => {
        // Tenant-scoped like GET /api/incidents: admins see every tenant.
        if (principal.role !== 'admin' && event.tenant !== principal.tenant) return;
        this.#send({ type: 'incident', topic: 'incidents', incident: event.incident });
      });
    }
    this.#send({ type: 'subscribed', topic });
  }

  /** The per-request guards of a key route: licence, then rate limit. */
  async #admit(): Promise<void> {
    const license = this.#runtime.license;
    if (license.required) {
      const status = await license.status();
      if (!status.valid) {
        throw new AgentError('license_invalid', `licence required: ${status.reason ?? 'invalid'}`);
      }
    }
    const decision = await this.#runtime.rateLimiter.consume(this.#rateLimitId);
    if (!decision.allowed) {
      this.#runtime.metrics.rateLimitedTotal.inc();
      throw new RateLimitedError(decision);
    }
  }

  #fail(id: string | null, requestId: string, error: unknown): void {
    if (error instanceof AgentError) {
      const extra =
        error instanceof RateLimitedError ? { retry_after_s: error.retryAfterSec } : undefined;
      this.#error(id, requestId, error.code, error.message, extra);
      return;
    }
    this.#runtime.logger.error({ err: error, request_id: requestId }, 'websocket message failed');
    this.#error(id, requestId, 'internal_error', 'internal error');
  }

  #error(
    id: string | null,
    requestId: string,
    code: ErrorCode,
    message: string,
    extra?: Record<string, unknown>,
  ): void {
    this.#send({ type: 'error', id, ...errorBody(code, message, requestId), ...extra });
  }

  #send(message: Outgoing): void {
    if (this.#closed || this.#socket.readyState !== 1) return;
    const buffered = this.#socket.raw?.bufferedAmount ?? 0;
    if (buffered > this.#limits.maxBufferedBytes) {
      this.close(CLOSE.policyViolation, 'client is not reading its messages');
      return;
    }
    this.#socket.send(JSON.stringify(message));
  }
}

/** A close reason is at most 123 bytes of UTF-8. */
export function closeReason(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= 123) return text;
  return `${bytes
    .subarray(0, 120)
    .toString('utf8')
    .replace(/\uFFFD+$/, '')}...`;
}
