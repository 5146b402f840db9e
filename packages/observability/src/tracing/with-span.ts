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
 * decision, an LLM call). A thrown error or rejection is recorded on the span,
 * marks it failed and is rethrown. Attributes should be ids, categories,
 * sizes and outcomes: never log text or secrets.
 *
 * No async wrapper: the span ends when `fn`'s own promise settles, so a stage
 * costs no extra promises (each one is work for AsyncLocalStorage's hooks).
 */
export function withSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes | undefined,
  fn: (span: Span) => T | Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, attributes ? { attributes } : {}, (span) => {
    const fail = (error: unknown): void => {
      span.recordException(toException(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    let result: T | PromiseLike<T>;
    try {
      result = fn(span);
    } catch (error) {
      fail(error);
      return Promise.reject(error);
    }
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (value) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          fail(error);
          throw error;
        },
      );
    }
    span.end();
    return Promise.resolve(result);
  });
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}
