import WebSocket from 'ws';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON messages and assert on them
export type Message = any;

export interface TestSocket {
  ws: WebSocket;
  /** Every message received so far, parsed. */
  messages: Message[];
  /** The next message (from the start) matching the predicate, waiting for it if needed. */
  next(predicate?: (message: Message) => boolean, timeoutMs?: number): Promise<Message>;
  send(message: unknown): void;
  /** Resolves with the close code and reason once the socket is closed. */
  closed: Promise<{ code: number; reason: string }>;
}

/** A real `ws` client, collecting messages so tests can wait for the ones they expect. */
export function connect(
  url: string,
  options: { headers?: Record<string, string>; autoPong?: boolean } = {},
): Promise<TestSocket> {
  const ws = new WebSocket(url, {
    ...(options.headers ? { headers: options.headers } : {}),
    autoPong: options.autoPong ?? true,
  });
  const messages: Message[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    for (const wake of [...waiters]) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const wake of [...waiters]) wake();
    }),
  );
  const socket: TestSocket = {
    ws,
    messages,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next(predicate = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        let from = 0;
        const check = () => {
          for (; from < messages.length; from++) {
            if (predicate(messages[from])) {
              cleanup();
              resolve(messages[from]);
              return;
            }
          }
          if (ws.readyState === WebSocket.CLOSED) {
            cleanup();
            reject(new Error(`socket closed; messages: ${JSON.stringify(messages)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching message in ${timeoutMs} ms: ${JSON.stringify(messages)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`upgrade refused with ${res.statusCode}`)),
    );
  });
}
