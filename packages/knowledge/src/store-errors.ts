import { AgentError, StoreUnavailableError } from '@agent/core';

/**
 * Driver errors never leave this package raw: callers see a
 * `StoreUnavailableError` (the store cannot be reached or written: answer 503
 * and retry later) or an `internal_error` (a bug: a query the database
 * rejected). The driver error stays attached as `cause` for the logs; the
 * message carries only the driver's code, never SQL, paths or credentials.
 */
export function toStoreError(error: unknown, context: string): AgentError {
  if (error instanceof AgentError) return error;
  if (error instanceof MigrationFailure) {
    return toStoreError(error.cause, `${context}: ${error.message}`);
  }
  const code = driverCode(error);
  const suffix = code === undefined ? '' : ` (${code})`;
  if (isStoreUnavailable(error)) {
    return new StoreUnavailableError(`${context}: store unavailable${suffix}`, { cause: error });
  }
  return new AgentError('internal_error', `${context}: query failed${suffix}`, { cause: error });
}

/** A migration that failed; `cause` is what the database said, `message` names the migration. */
export class MigrationFailure extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'MigrationFailure';
  }
}

/**
 * SQLite result codes (and their extended forms, e.g. SQLITE_IOERR_WRITE,
 * SQLITE_BUSY_SNAPSHOT, SQLITE_READONLY_DBMOVED) that mean the file cannot be
 * used right now, as opposed to a query the database rejected.
 */
const SQLITE_UNAVAILABLE = [
  'SQLITE_READONLY',
  'SQLITE_FULL',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_PROTOCOL',
  'SQLITE_NOMEM',
  'SQLITE_PERM',
  'SQLITE_NOLFS',
];

/**
 * PostgreSQL SQLSTATE classes and codes that mean the server cannot serve us:
 * 08 connection exception, 28 authentication, 53 insufficient resources
 * (disk full, too many connections), 57 operator intervention (shutdown,
 * cannot connect now, statement timeout), 58 system/I-O error; 3D000 the
 * database does not exist, 25006 a read-only standby, 55P03 lock timeout.
 */
const PG_UNAVAILABLE_CLASSES = ['08', '28', '53', '57', '58'];
const PG_UNAVAILABLE_CODES = ['3D000', '25006', '55P03'];

/** Node socket errors seen when PostgreSQL cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  // A Unix socket (`?host=/var/run/postgresql`) with no server behind it.
  'ENOENT',
]);

/** Messages of pg and pg-pool for connections that failed or went away (they carry no code). */
const PG_CONNECTION_MESSAGE =
  /connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|not queryable|after calling end on the pool|Connection closed/i;

export function isStoreUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = driverCode(error);
  if (code?.startsWith('SQLITE_')) {
    return SQLITE_UNAVAILABLE.some((prefix) => code === prefix || code.startsWith(`${prefix}_`));
  }
  if (code !== undefined && isPgServerError(error)) {
    return PG_UNAVAILABLE_CODES.includes(code) || PG_UNAVAILABLE_CLASSES.includes(code.slice(0, 2));
  }
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  // Connecting to a host name with several addresses fails with an
  // AggregateError whose members carry the socket codes.
  if (error instanceof AggregateError) return error.errors.some(isStoreUnavailable);
  return PG_CONNECTION_MESSAGE.test(error.message);
}

/**
 * The code of a write that failed for want of space: SQLITE_FULL (the disk,
 * or the file's size cap) or PostgreSQL's disk_full (53100); undefined for
 * any other error. Reads still work then, which is why readiness remembers
 * these (see SqlKnowledgeStore.ping).
 */
export function outOfSpaceCode(error: unknown): string | undefined {
  // Already mapped (a transaction's statement): what the driver said is the cause.
  if (error instanceof AgentError) return outOfSpaceCode(error.cause);
  const code = driverCode(error);
  if (code === 'SQLITE_FULL') return code;
  if (code === '53100' && error instanceof Error && isPgServerError(error)) return code;
  return undefined;
}

function driverCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** A message from the PostgreSQL server: it has a severity and a five-character SQLSTATE. */
function isPgServerError(error: Error): boolean {
  const code = driverCode(error);
  return 'severity' in error && code !== undefined && /^[0-9A-Z]{5}$/.test(code);
}
