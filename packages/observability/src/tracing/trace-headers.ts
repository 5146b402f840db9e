import { context, propagation, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

/** Reads a Fetch `Headers` object for propagation.extract (header names are case-insensitive). */
export const headersGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

const headersSetter: TextMapSetter<Headers> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

/**
 * Adds the active trace context (`traceparent`, and `tracestate` when there
 * is one) to the headers of an outgoing HTTP call, so OPA, Vault, the LLM and
 * webhooks join the trace. Without tracing set up it adds nothing.
 * Mutates and returns the given headers.
 */
export function injectTraceHeaders<T extends Headers | Record<string, string>>(headers: T): T {
  if (headers instanceof Headers) {
    propagation.inject(context.active(), headers, headersSetter);
  } else {
    propagation.inject(context.active(), headers);
  }
  return headers;
}
