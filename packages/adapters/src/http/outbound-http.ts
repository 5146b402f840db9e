import ky, { type KyInstance } from 'ky';

/**
 * Adds headers to an outgoing request: the composition root passes one that
 * injects the W3C trace context (`traceparent`) of the active span. It gets
 * the request's headers (names in lower case) and returns them with its own
 * added.
 */
export type DecorateHeaders = (headers: Record<string, string>) => Record<string, string>;

export interface OutboundHttpOptions {
  /** Runs right before every attempt leaves (retries included), in the caller's async context. */
  decorateHeaders?: DecorateHeaders | undefined;
  /** The fetch ky uses (default: the global one). */
  fetch?: typeof fetch | undefined;
}

/**
 * The HTTP client every adapter sends with (OPA, Vault, the LLM, webhooks,
 * notify): one place where outgoing requests get the composition root's
 * headers, so no call can leave without the trace context. Timeouts, retries
 * and redirects stay with each call, which knows its protocol.
 */
export function outboundHttp(options: OutboundHttpOptions = {}): KyInstance {
  const { decorateHeaders, fetch } = options;
  return ky.create({
    ...(fetch ? { fetch } : {}),
    ...(decorateHeaders
      ? {
          hooks: {
            beforeRequest: [
              (request: Request) => {
                const current = Object.fromEntries(request.headers);
                for (const [name, value] of Object.entries(decorateHeaders({ ...current }))) {
                  if (current[name.toLowerCase()] !== value) request.headers.set(name, value);
                }
              },
            ],
          },
        }
      : {}),
  });
}
