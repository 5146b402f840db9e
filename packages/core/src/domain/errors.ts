/**
 * Domain errors. Core and the packages around it throw these; only the HTTP
 * edge knows status codes (one mapping, shared by both apps).
 */
export const ERROR_CODES = [
  'invalid_json',
  'validation_failed',
  'unauthorized',
  'license_invalid',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'action_not_pending',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'internal_error',
  'store_unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class AgentError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgentError';
    this.code = code;
  }
}

export class ValidationError extends AgentError {
  constructor(message: string) {
    super('validation_failed', message);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends AgentError {
  constructor(message: string) {
    super('not_found', message);
    this.name = 'NotFoundError';
  }
}

export class ForbiddenError extends AgentError {
  constructor(message: string) {
    super('forbidden', message);
    this.name = 'ForbiddenError';
  }
}

/** The knowledge store cannot be reached or written; the request must not pretend it was stored. */
export class StoreUnavailableError extends AgentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_unavailable', message, options);
    this.name = 'StoreUnavailableError';
  }
}

export class ActionNotPendingError extends AgentError {
  constructor(message: string) {
    super('action_not_pending', message);
    this.name = 'ActionNotPendingError';
  }
}

/**
 * An error's message followed by what caused it, for an operator reading a
 * start-up failure or a command's error: "knowledge store: migrate ...: store
 * unavailable (3D000): database "x" does not exist". Error messages sent to
 * clients stay the error's own, without causes (a driver's words may name
 * tables or paths).
 */
export function describeError(error: unknown): string {
  let text = error instanceof Error ? error.message : String(error);
  let cause = error instanceof Error ? error.cause : undefined;
  // Bounded: a cause chain can be long, or a cycle.
  for (let depth = 0; depth < 5 && cause !== undefined && cause !== null; depth++) {
    const message = cause instanceof Error ? causeMessage(cause) : String(cause);
    if (message !== '' && !text.includes(message)) text += `: ${message}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}

/** An AggregateError (a host name with several addresses, each refused) says little; its members say it. */
function causeMessage(error: Error): string {
  if (error instanceof AggregateError && error.message === '' && error.errors.length > 0) {
    return error.errors
      .map((member: unknown) => (member instanceof Error ? member.message : String(member)))
      .join('; ');
  }
  return error.message;
}
