import { ProxyTracerProvider, type Tracer } from '@opentelemetry/api';

// Tracers known to record nothing, so middleware can skip its work entirely.
const noopTracers = new WeakSet<Tracer>();

/**
 * A tracer that records nothing, whatever provider is registered globally: a
 * ProxyTracerProvider with no delegate always hands out the API's no-op tracer.
 */
export function createNoopTracer(name: string): Tracer {
  const tracer = new ProxyTracerProvider().getTracer(name);
  noopTracers.add(tracer);
  return tracer;
}

export function isNoopTracer(tracer: Tracer): boolean {
  return noopTracers.has(tracer);
}
