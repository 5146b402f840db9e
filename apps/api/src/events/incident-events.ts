import type { WireIncident } from '@agent/core';

/** A new (or re-occurring) incident, as `/api/incidents/{id}` would answer it. */
export interface IncidentEvent {
  readonly tenant: string;
  readonly incident: WireIncident;
}

export type IncidentListener = (event: IncidentEvent) => void;

/**
 * The port behind `{"type":"subscribe","topic":"incidents"}`: who publishes
 * an incident does not know who listens. In memory for one process; through
 * Redis pub/sub when `REDIS_URL` is set, so a subscriber on any replica sees
 * the incidents of every replica.
 */
export interface IncidentEvents {
  readonly backend: 'memory' | 'redis';
  /**
   * Whether a published event can reach anyone: false while this process has
   * no subscriber and no other replica can have one, so the publisher can
   * skip reading the incident back.
   */
  readonly listening: boolean;
  /** Never throws: a lost event must not fail the request that produced it. */
  publish(event: IncidentEvent): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: IncidentListener): () => void;
  close(): Promise<void>;
}

/** Delivers to every listener; a throwing listener does not stop the others. */
export class ListenerSet {
  readonly #listeners = new Set<IncidentListener>();

  add(listener: IncidentListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }

  deliver(event: IncidentEvent, onError: (error: unknown) => void): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        onError(error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}

export interface IncidentEventsLogger {
  warn(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
}

/** One process: publish delivers to this process's subscribers. */
export function createMemoryIncidentEvents(logger?: IncidentEventsLogger): IncidentEvents {
  const listeners = new ListenerSet();
  const onError = (error: unknown) =>
    logger?.warn({ err: error }, 'incident events: a subscriber failed');
  return {
    backend: 'memory',
    get listening() {
      return listeners.size > 0;
    },
    async publish(event) {
      listeners.deliver(event, onError);
    },
    subscribe: (listener) => listeners.add(listener),
    async close() {
      listeners.clear();
    },
  };
}
