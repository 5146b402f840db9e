/**
 * The incident categories of the public contract (incident-categories.md).
 * Ids are never renamed or reused; new ones may be appended.
 */
export const CATEGORIES = [
  'oom',
  'disk_full',
  'fd_exhausted',
  'connection_refused',
  'connection_reset',
  'timeout',
  'dns_failure',
  'tls_error',
  'auth_failure',
  'permission_denied',
  'crash_loop',
  'image_pull',
  'scheduling',
  'probe_failure',
  'port_in_use',
  'config_error',
  'dependency_missing',
  'file_not_found',
  'app_crash',
  'db_connection_limit',
  'db_deadlock',
  'rate_limited',
  'upstream_unavailable',
  'quota_exceeded',
  'unknown',
  'none',
] as const;

export type Category = (typeof CATEGORIES)[number];

/** Categories that name a concrete failure (everything but `unknown` and `none`). */
export type FailureCategory = Exclude<Category, 'unknown' | 'none'>;

const categorySet: ReadonlySet<string> = new Set(CATEGORIES);

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && categorySet.has(value);
}

/** One-line human descriptions, used in summaries and the API reference. */
export const CATEGORY_DESCRIPTIONS: Readonly<Record<Category, string>> = {
  oom: 'a process or container ran out of memory',
  disk_full: 'storage is exhausted',
  fd_exhausted: 'the process hit its open-file / socket limit',
  connection_refused: 'the target host is reachable but nothing accepts the connection',
  connection_reset: 'an established connection was dropped by the peer',
  timeout: 'an operation ran past its deadline',
  dns_failure: 'a host name could not be resolved',
  tls_error: 'a certificate or TLS handshake problem',
  auth_failure: 'the caller could not authenticate',
  permission_denied: 'the caller is authenticated but not allowed',
  crash_loop: 'a container keeps restarting',
  image_pull: 'a container image could not be fetched',
  scheduling: 'a workload cannot be placed on any node',
  probe_failure: 'health checks fail',
  port_in_use: 'a listener cannot bind its port',
  config_error: 'configuration is invalid or missing',
  dependency_missing: 'a module, library or executable is missing',
  file_not_found: 'a file or path the program needs does not exist',
  app_crash: 'the program itself failed: unhandled exception, panic, segfault',
  db_connection_limit: 'the database or its pool has no free connections',
  db_deadlock: 'transactions block each other',
  rate_limited: 'the caller is being throttled',
  upstream_unavailable: 'a service the program depends on is down or overloaded',
  quota_exceeded: 'an account, namespace or cloud quota is used up',
  unknown: 'something is wrong but it fits no known category',
  none: 'nothing is wrong: the log shows normal operation',
};
