export interface CircuitBreakerOptions {
  /** Consecutive failed attempts that open the circuit (default 3). */
  failureThreshold?: number;
  /** How long an open circuit refuses every call before one probe may pass (default 30 s). */
  cooldownMs?: number;
  /** Monotonic milliseconds (injected in tests). */
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

/**
 * Makes a dead backend cost nothing: after `failureThreshold` consecutive
 * failed attempts the circuit opens and every call is refused at once, with
 * no request sent. After `cooldownMs` one probe may pass (half-open): its
 * success closes the circuit, its failure opens it for another cool-down.
 * Calls that arrive while the probe is out are refused too.
 */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly #now: () => number;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probeStartedAt: number | null = null;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = Math.max(1, Math.trunc(options.failureThreshold ?? 3));
    this.cooldownMs = Math.max(0, options.cooldownMs ?? 30_000);
    this.#now = options.now ?? (() => performance.now());
  }

  get state(): CircuitState {
    return this.#state;
  }

  /** Milliseconds until an open circuit lets a probe through (0 when it would now). */
  retryInMs(): number {
    if (this.#state !== 'open') return 0;
    return Math.max(0, this.#openedAt + this.cooldownMs - this.#now());
  }

  /** Whether one attempt may be sent now; a true answer in the half-open state is the probe. */
  tryAcquire(): boolean {
    const now = this.#now();
    if (this.#state === 'closed') return true;
    if (this.#state === 'open') {
      if (now < this.#openedAt + this.cooldownMs) return false;
      this.#state = 'half_open';
      this.#probeStartedAt = now;
      return true;
    }
    // Half-open: one probe at a time. A probe never reported (lost) frees its
    // place after a cool-down, so the circuit cannot stay shut forever.
    if (this.#probeStartedAt !== null && now < this.#probeStartedAt + this.cooldownMs) return false;
    this.#probeStartedAt = now;
    return true;
  }

  /** The attempt reached a working backend (any answer that is not a server failure). */
  recordSuccess(): void {
    this.#state = 'closed';
    this.#failures = 0;
    this.#probeStartedAt = null;
  }

  /** The attempt failed: no connection, a timeout, 429 or 5xx. */
  recordFailure(): void {
    this.#probeStartedAt = null;
    if (this.#state === 'half_open') {
      this.#open();
      return;
    }
    this.#failures++;
    if (this.#state === 'closed' && this.#failures >= this.failureThreshold) this.#open();
  }

  #open(): void {
    this.#state = 'open';
    this.#openedAt = this.#now();
    this.#failures = 0;
  }
}
