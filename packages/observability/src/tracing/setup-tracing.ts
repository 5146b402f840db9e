import {
  context,
  DiagLogLevel,
  diag,
  ProxyTracerProvider,
  propagation,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createLogger, type Logger } from '../logger/create-logger.js';
import { createDiagLogger } from './diag-logger.js';
import { createLoggerSpanExporter } from './logger-span-exporter.js';
import { createNoopTracer } from './noop-tracer.js';

export interface TracingOptions {
  enabled: boolean;
  serviceName: string;
  serviceVersion: string;
  /**
   * OTLP/HTTP base URL (what OTEL_EXPORTER_OTLP_ENDPOINT holds). Spans are
   * posted to `{base}/v1/traces`. Unset: spans are written through the logger.
   */
  otlpEndpoint?: string;
  /** Carries console spans and OpenTelemetry diagnostics. Defaults to a json logger on stdout at info. */
  logger?: Logger;
  /** Overrides the exporter choice, e.g. an InMemorySpanExporter in tests. */
  exporter?: SpanExporter;
}

export interface Tracing {
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** Exports the spans waiting in the batch without stopping. */
  forceFlush(): Promise<void>;
  /** Exports pending spans and stops; call on SIGTERM. Safe to call twice. */
  shutdown(): Promise<void>;
}

const TRACES_PATH = 'v1/traces';

/**
 * The OTLP/HTTP traces URL for a base endpoint, as the OTel specification
 * builds it from OTEL_EXPORTER_OTLP_ENDPOINT. exporter-trace-otlp-http only
 * does this for the environment variable: a `url` passed in code is used as
 * is, so the path is appended here.
 */
export function otlpTracesUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`setupTracing: otlpEndpoint is not a valid URL: "${endpoint}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`setupTracing: otlpEndpoint must be an http(s) URL, got "${url.protocol}"`);
  }
  const base = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  return `${base}${TRACES_PATH}`;
}

const disabledTracing = (serviceName: string): Tracing => ({
  enabled: false,
  tracer: createNoopTracer(serviceName || 'disabled'),
  forceFlush: async () => {},
  shutdown: async () => {},
});

/**
 * Sets up OpenTelemetry tracing. Disabled, it hands out a tracer that records
 * nothing and registers nothing. Enabled, it registers a NodeTracerProvider
 * (batching spans to OTLP/HTTP, the logger, or the given exporter), W3C
 * trace-context propagation and async context tracking, all process-wide.
 */
export function setupTracing(options: TracingOptions): Tracing {
  if (!options.enabled) return disabledTracing(options.serviceName);

  const { serviceName, serviceVersion, otlpEndpoint } = options;
  if (typeof serviceName !== 'string' || serviceName === '') {
    throw new TypeError('setupTracing: serviceName must be a non-empty string');
  }
  const tracesUrl = otlpEndpoint ? otlpTracesUrl(otlpEndpoint) : undefined;
  const logger = options.logger ?? createLogger({ level: 'info', format: 'json' });

  diag.setLogger(createDiagLogger(logger), {
    logLevel: DiagLogLevel.WARN,
    suppressOverrideMessage: true,
  });

  const toLog = !options.exporter && !tracesUrl;
  const exporter: SpanExporter =
    options.exporter ??
    (tracesUrl ? new OTLPTraceExporter({ url: tracesUrl }) : createLoggerSpanExporter(logger));
  if (toLog && !logger.isLevelEnabled('info')) {
    // Otherwise tracing would look switched on and show nothing.
    logger.warn(
      { tracing: 'console' },
      `tracing is on and spans go to the log, but span lines are info lines and the log level is ${logger.level}: no span will be written (set LOG_LEVEL=info, or OTEL_EXPORTER_OTLP_ENDPOINT to export them)`,
    );
  }

  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ 'service.name': serviceName, 'service.version': serviceVersion }),
    ),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  // Registers the provider, AsyncLocalStorage context tracking (so spans
  // started in a handler find the request span) and the W3C propagator used
  // by the tracing middleware and injectTraceHeaders.
  provider.register({ propagator: new W3CTraceContextPropagator() });

  let stopping: Promise<void> | undefined;
  return {
    enabled: true,
    tracer: provider.getTracer(serviceName, serviceVersion),
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopping ??= (async () => {
        try {
          await provider.shutdown();
        } catch (error) {
          // Shutting down goes on; say what was lost, or an exit that took
          // the exporter's whole timeout would leave no trace of why.
          const where = tracesUrl ?? 'the configured exporter';
          logger.warn(
            { component: 'tracing', exporter: tracesUrl ? 'otlp' : 'custom' },
            `tracing: the spans pending at shutdown were not exported to ${where}: ${describe(error)}`,
          );
        } finally {
          // Give the process-wide slots back only if they are still ours, so a
          // later setupTracing (another test, a restart in-process) can register.
          const global = trace.getTracerProvider();
          if (global instanceof ProxyTracerProvider && global.getDelegate() === provider) {
            trace.disable();
            context.disable();
            propagation.disable();
            diag.disable();
          }
        }
      })();
      return stopping;
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
