import { LlmError, type LlmFailure, redactSecrets } from '@agent/core';
import type { KyInstance } from 'ky';
import { outboundHttp } from '../http/outbound-http.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';

/** What one `analyze` call reports when it ends (metrics, span attributes). */
export interface LlmCallReport {
  provider: string;
  model: string | null;
  outcome: 'ok' | LlmFailure;
  /** HTTP requests sent (0 when the circuit was open). */
  attempts: number;
  durationMs: number;
  /** From the server's `usage` when it sent one, else estimated (4 characters a token). */
  promptTokens: number;
  completionTokens: number;
}

/** Attributes safe to put on a span: ids, sizes, outcomes; never text. */
export type LlmSpanAttributes = Record<string, string | number | boolean>;

/**
 * How an LLM client reports its calls without depending on an observability
 * package: the composition root maps these to spans, metrics and the
 * outgoing trace context.
 */
export interface LlmCallObserver {
  /** Runs one call (all its attempts), e.g. inside a span; `annotate` adds attributes to it. */
  call?<T>(
    info: { provider: string; model: string | null },
    run: (annotate: (attributes: LlmSpanAttributes) => void) => Promise<T>,
  ): Promise<T>;
  /** Headers added to every attempt, e.g. `traceparent` of the active span. */
  headers?(): Record<string, string>;
  /** Called once per call, inside `call`, with how it went. */
  finished?(report: LlmCallReport): void;
}

export interface LlmTransportOptions {
  /** Cap on one call, retries and waits included (default 10 s). The agent caps it too. */
  timeoutMs?: number;
  /** HTTP attempts per call for 429, 5xx and connection failures (default 3). */
  maxAttempts?: number;
  /** First backoff; doubled each retry, with jitter (default 250 ms). */
  backoffMs?: number;
  /** Longest backoff when the server gives no Retry-After (default 4 s). */
  maxBackoffMs?: number;
  /** A shared breaker, or options for this client's own. */
  breaker?: CircuitBreaker | CircuitBreakerOptions;
  observer?: LlmCallObserver;
  /** Monotonic milliseconds (injected in tests; also used by the client's own breaker). */
  now?: () => number;
  /** Waits between attempts (injected in tests); must reject when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** In [0, 1); spreads retries of many replicas apart (injected in tests). */
  random?: () => number;
  /** The fetch ky uses (default: the global one). */
  fetch?: typeof fetch;
}

export interface TransportResponse {
  status: number;
  /** The body as text (possibly empty). */
  text: string;
}

/**
 * POSTs JSON for one LLM call: bounded retries with exponential backoff and
 * jitter on 429, 5xx and connection failures, honouring `Retry-After` (and
 * `retry-after-ms`) when it fits in what is left of the time cap, and
 * failing at once when it does not; every attempt goes through the circuit
 * breaker. Other statuses are returned to the client, which knows what they
 * mean for its protocol.
 */
export class LlmTransport {
  readonly breaker: CircuitBreaker;
  readonly timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #http: KyInstance;
  readonly observer: LlmCallObserver;

  constructor(options: LlmTransportOptions = {}) {
    this.timeoutMs = Math.max(1, options.timeoutMs ?? 10_000);
    this.#maxAttempts = Math.max(1, Math.trunc(options.maxAttempts ?? 3));
    this.#backoffMs = Math.max(0, options.backoffMs ?? 250);
    this.#maxBackoffMs = Math.max(this.#backoffMs, options.maxBackoffMs ?? 4000);
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? sleep;
    this.#random = options.random ?? Math.random;
    this.observer = options.observer ?? {};
    const observer = this.observer;
    this.#http = outboundHttp({
      decorateHeaders: observer.headers
        ? (headers) => ({ ...headers, ...observer.headers?.() })
        : undefined,
      fetch: options.fetch,
    });
    this.breaker =
      options.breaker instanceof CircuitBreaker
        ? options.breaker
        : new CircuitBreaker({ now: this.#now, ...options.breaker });
  }

  /** Monotonic milliseconds, as the transport measures them. */
  now(): number {
    return this.#now();
  }

  /**
   * A signal that aborts with a timeout `LlmError` when `outer` aborts or the
   * transport's own cap runs out; `done` releases its timer.
   */
  deadline(outer: AbortSignal): { signal: AbortSignal; endsAt: number; done(): void } {
    const controller = new AbortController();
    const endsAt = this.#now() + this.timeoutMs;
    const onAbort = () =>
      controller.abort(
        outer.reason instanceof LlmError
          ? outer.reason
          : new LlmError('timeout', 'the call was cancelled (time cap of the LLM step)'),
      );
    if (outer.aborted) onAbort();
    else outer.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new LlmError('timeout', `no answer within ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
    return {
      signal: controller.signal,
      endsAt,
      done() {
        clearTimeout(timer);
        outer.removeEventListener('abort', onAbort);
      },
    };
  }

  /**
   * Sends `body` to `url`, retrying as described above. Resolves with the
   * first answer that is neither 429 nor 5xx; rejects with an `LlmError`.
   * `attempts` counts what was sent.
   */
  async post(
    url: string,
    body: unknown,
    headers: Record<string, string>,
    call: { signal: AbortSignal; endsAt: number; attempts: number },
  ): Promise<TransportResponse> {
    const json = JSON.stringify(body);
    let last: LlmError | null = null;
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      throwIfAborted(call.signal);
      if (!this.breaker.tryAcquire()) {
        throw new LlmError(
          'circuit_open',
          `circuit open after repeated failures${last ? ` (last: ${last.message})` : ''}; next probe in ${Math.ceil(this.breaker.retryInMs() / 1000)} s`,
        );
      }
      call.attempts++;
      let response: Response;
      try {
        response = await this.#http.post(url, {
          body: json,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...headers,
          },
          signal: call.signal,
          timeout: false,
          retry: 0,
          throwHttpErrors: false,
        });
      } catch (error) {
        this.breaker.recordFailure();
        if (call.signal.aborted) throw abortReason(call.signal);
        last = new LlmError('unavailable', `connection failed (${networkCode(error)})`, {
          cause: error,
        });
        await this.#waitBeforeRetry(attempt, null, last, call);
        continue;
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        this.breaker.recordFailure();
        if (call.signal.aborted) throw abortReason(call.signal);
        last = new LlmError('unavailable', `the answer was cut off (${networkCode(error)})`, {
          cause: error,
        });
        await this.#waitBeforeRetry(attempt, null, last, call);
        continue;
      }
      const status = response.status;
      if (status === 429 || status === 408 || status >= 500) {
        this.breaker.recordFailure();
        last = new LlmError(
          status === 429 ? 'rate_limited' : 'unavailable',
          `HTTP ${status} from the LLM server${serverMessage(text)}`,
        );
        await this.#waitBeforeRetry(attempt, retryAfterMs(response.headers), last, call);
        continue;
      }
      this.breaker.recordSuccess();
      return { status, text };
    }
    throw last ?? new LlmError('unavailable', 'no attempt was made');
  }

  /** Waits before the next attempt, or throws `last` when no attempt or no time is left. */
  async #waitBeforeRetry(
    attempt: number,
    retryAfter: number | null,
    last: LlmError,
    call: { signal: AbortSignal; endsAt: number },
  ): Promise<void> {
    if (attempt >= this.#maxAttempts) throw withNote(last, `after ${attempt} attempts`);
    const exponential = Math.min(this.#maxBackoffMs, this.#backoffMs * 2 ** (attempt - 1));
    const wait = retryAfter ?? Math.round(exponential * (0.5 + 0.5 * this.#random()));
    const left = call.endsAt - this.#now();
    if (wait >= left) {
      throw withNote(
        last,
        retryAfter !== null
          ? `Retry-After ${Math.ceil(retryAfter / 1000)} s does not fit the ${Math.max(0, Math.floor(left))} ms left of the time cap`
          : `no time left for a retry`,
      );
    }
    try {
      await this.#sleep(wait, call.signal);
    } catch {
      throw abortReason(call.signal);
    }
  }
}

/** Milliseconds a 429/503 asks us to wait (`retry-after-ms`, `Retry-After` seconds or date), or null. */
export function retryAfterMs(headers: Headers): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(?:\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  // An HTTP date is relative to the wall clock.
  return Math.max(0, at - Date.now());
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortReason(signal);
}

export function abortReason(signal: AbortSignal): LlmError {
  return signal.reason instanceof LlmError
    ? signal.reason
    : new LlmError('timeout', 'the call was cancelled');
}

function withNote(error: LlmError, note: string): LlmError {
  return new LlmError(error.kind, `${error.message}; ${note}`, { cause: error.cause });
}

/** The error code of a failed connection (ECONNREFUSED, ENOTFOUND, ...), never the URL. */
function networkCode(error: unknown): string {
  const code = errorCode(error, 0);
  if (code) return code;
  return error instanceof Error ? error.name : 'network error';
}

function errorCode(error: unknown, depth: number): string | undefined {
  if (!error || depth > 4) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  // Node's fetch reports a refused dual-stack connection as an AggregateError.
  const nested = (error as { errors?: unknown[] }).errors;
  if (Array.isArray(nested)) {
    for (const inner of nested) {
      const found = errorCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return errorCode((error as { cause?: unknown }).cause, depth + 1);
}

/** `: <message>` from an error body (OpenAI's `{error:{message}}` or plain text), short and redacted. */
export function serverMessage(text: string): string {
  let message = '';
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = parsed.error;
    message =
      typeof error === 'object' &&
      error !== null &&
      typeof (error as { message?: unknown }).message === 'string'
        ? (error as { message: string }).message
        : typeof error === 'string'
          ? error
          : typeof parsed.message === 'string'
            ? parsed.message
            : typeof parsed.detail === 'string'
              ? parsed.detail
              : '';
  } catch {
    message = text.startsWith('<') ? '' : text;
  }
  message = redactSecrets(message.replace(/\s+/g, ' ').trim());
  if (message === '') return '';
  return `: ${message.length > 200 ? `${message.slice(0, 199)}…` : message}`;
}

/** One call in progress: its signal and deadline, and the attempts sent so far. */
export interface LlmCall {
  signal: AbortSignal;
  endsAt: number;
  attempts: number;
}

/**
 * Runs one `analyze` call under the transport's time cap and the observer:
 * inside its span (`observer.call`), with the report (outcome, attempts,
 * duration, tokens) annotated on the span and passed to `observer.finished`
 * however the call ends. `work` fills in the token counts.
 */
export function observedCall<T>(
  transport: LlmTransport,
  info: { provider: string; model: string | null },
  outer: AbortSignal,
  work: (call: LlmCall, report: LlmCallReport) => Promise<T>,
): Promise<T> {
  const run = async (annotate: (attributes: LlmSpanAttributes) => void): Promise<T> => {
    const started = transport.now();
    const deadline = transport.deadline(outer);
    const call: LlmCall = { signal: deadline.signal, endsAt: deadline.endsAt, attempts: 0 };
    const report: LlmCallReport = {
      ...info,
      outcome: 'ok',
      attempts: 0,
      durationMs: 0,
      promptTokens: 0,
      completionTokens: 0,
    };
    try {
      return await work(call, report);
    } catch (error) {
      const failure =
        error instanceof LlmError
          ? error
          : call.signal.aborted
            ? abortReason(call.signal)
            : new LlmError('unavailable', 'the call failed', { cause: error });
      report.outcome = failure.kind;
      throw failure;
    } finally {
      deadline.done();
      report.attempts = call.attempts;
      report.durationMs = Math.max(0, transport.now() - started);
      annotate({
        'llm.provider': info.provider,
        'llm.model': info.model ?? '',
        'llm.outcome': report.outcome,
        'llm.attempts': report.attempts,
        'llm.tokens.prompt': report.promptTokens,
        'llm.tokens.completion': report.completionTokens,
      });
      transport.observer.finished?.(report);
    }
  };
  const observer = transport.observer;
  return observer.call ? observer.call(info, run) : run(() => {});
}
