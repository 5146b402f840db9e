import {
  type Attributes,
  type Exception,
  type Span,
  SpanStatusCode,
  type Tracer,
} from '@opentelemetry/api';

export function toException(error: unknown): Exception {
  if (error instanceof Error) return error;
  return {
    name: 'NonError',
    message: typeof error === 'string' ? error : 'non-Error value thrown',
  };
}

/**
 * Runs `fn` inside a child span of the active one (a pipeline stage, a policy
 * decision, an LLM call). A thrown error is recorded on the span, marks it
 * failed and is rethrown. Attributes should be ids, categories, sizes and
 * outcomes: never log text or secrets.
 */
export function withSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes | undefined,
  fn: (span: Span) => T | Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, attributes ? { attributes } : {}, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(toException(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
