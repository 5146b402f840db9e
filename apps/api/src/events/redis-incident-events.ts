import { Redis } from 'ioredis';
import {
  type IncidentEvent,
  type IncidentEvents,
  type IncidentEventsLogger,
  ListenerSet,
} from './incident-events.js';

export interface RedisIncidentEventsOptions {
  /** `REDIS_URL`. */
  readonly url: string;
  /** Pub/sub channel (tests use a unique one per run). */
  readonly channel?: string;
  readonly logger?: IncidentEventsLogger;
  /** Give up connecting after this long (default 2000 ms); reconnects go on in the background. */
  readonly connectTimeoutMs?: number;
}

export const INCIDENT_CHANNEL = 'agent:events:incidents';

/**
 * Incident events through Redis pub/sub, so a subscriber on any replica sees
 * the incidents of every replica. One connection publishes, one listens
 * (a Redis connection in subscriber mode can do nothing else). While Redis
 * is unreachable, events are delivered to this replica's subscribers only,
 * and the service keeps running: Redis is an optional backend.
 */
export async function createRedisIncidentEvents(
  options: RedisIncidentEventsOptions,
): Promise<IncidentEvents> {
  const channel = options.channel ?? INCIDENT_CHANNEL;
  const { logger } = options;
  const listeners = new ListenerSet();
  const onListenerError = (error: unknown) =>
    logger?.warn({ err: error }, 'incident events: a subscriber failed');
  const connection = {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  };
  // Without an offline queue a publish while Redis is away fails at once and
  // falls back to local delivery instead of waiting.
  const publisher = new Redis(options.url, { ...connection, enableOfflineQueue: false });
  const subscriber = new Redis(options.url, { ...connection, autoResubscribe: false });

  let down = false;
  let closing = false;
  let subscribed: () => void = () => {};
  const firstSubscription = new Promise<void>((resolve) => {
    subscribed = resolve;
  });
  const lost = (error: Error) => {
    if (down || closing) return;
    down = true;
    logger?.warn(
      { backend: 'redis', error: redactUrl(error.message) },
      'incident events: Redis is unreachable; events reach this replica only until it is back',
    );
  };
  publisher.on('error', lost);
  subscriber.on('error', lost);
  subscriber.on('ready', () => {
    // Subscribed again after every reconnect (autoResubscribe is off so this
    // also covers a Redis that was down when the service started).
    subscriber.subscribe(channel).then(
      () => {
        if (down)
          (logger?.info ?? logger?.warn)?.call(logger, {}, 'incident events: Redis is back');
        down = false;
        subscribed();
      },
      (error: Error) => lost(error),
    );
  });
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    let event: IncidentEvent;
    try {
      event = JSON.parse(message) as IncidentEvent;
    } catch {
      return;
    }
    if (typeof event?.tenant !== 'string' || typeof event.incident !== 'object') return;
    listeners.deliver(event, onListenerError);
  });

  await Promise.all([publisher.connect().catch(lost), subscriber.connect().catch(lost)]);
  // Wait briefly for the subscription, so an event published right after
  // start-up is not missed by this replica's own subscribers.
  if (subscriber.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      firstSubscription,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 1000);
      }),
    ]);
    clearTimeout(timer);
  }

  return {
    backend: 'redis',
    // A subscriber on another replica is invisible from here.
    listening: true,
    async publish(event) {
      try {
        await publisher.publish(channel, JSON.stringify(event));
      } catch (error) {
        lost(error as Error);
        listeners.deliver(event, onListenerError);
      }
    },
    subscribe: (listener) => listeners.add(listener),
    async close() {
      closing = true;
      listeners.clear();
      await Promise.allSettled(
        [publisher, subscriber].map((client) =>
          client.status === 'ready' ? client.quit() : Promise.resolve(client.disconnect()),
        ),
      );
    },
  };
}

/** ioredis errors can name the server; never let a password in a URL through. */
function redactUrl(message: string): string {
  return message.replace(/\/\/[^@/\s]*@/g, '//***@');
}
