import type { FailureCategory } from '../domain/categories.js';

/** One recognisable cue of a failure category. Kept as data so the catalog can grow without code. */
export interface Signature {
  id: string;
  category: FailureCategory;
  /** How strongly the cue alone points at the category, 0..1. */
  weight: number;
  /** Case-insensitive; must not backtrack catastrophically (no nested quantifiers). */
  pattern: RegExp;
}

// First version of the catalog: the contract's typical cues. The log
// intelligence work widens it to the same failure as worded by many systems.
export const SIGNATURES: readonly Signature[] = [
  {
    id: 'oom.killed',
    category: 'oom',
    weight: 0.95,
    pattern: /\bOOMKilled\b|oom-kill|out of memory/i,
  },
  { id: 'oom.jvm', category: 'oom', weight: 0.95, pattern: /OutOfMemoryError|heap out of memory/i },
  { id: 'oom.alloc', category: 'oom', weight: 0.8, pattern: /cannot allocate memory|ENOMEM/i },
  {
    id: 'disk.nospace',
    category: 'disk_full',
    weight: 0.95,
    pattern: /no space left on device|ENOSPC|disk quota exceeded/i,
  },
  { id: 'disk.pressure', category: 'disk_full', weight: 0.8, pattern: /DiskPressure/ },
  {
    id: 'fd.limit',
    category: 'fd_exhausted',
    weight: 0.95,
    pattern: /too many open files|EMFILE|ENFILE/i,
  },
  {
    id: 'conn.refused',
    category: 'connection_refused',
    weight: 0.9,
    pattern: /ECONNREFUSED|connection refused/i,
  },
  {
    id: 'conn.reset',
    category: 'connection_reset',
    weight: 0.85,
    pattern: /ECONNRESET|connection reset by peer|broken pipe|EPIPE|socket hang up/i,
  },
  {
    id: 'timeout.generic',
    category: 'timeout',
    weight: 0.8,
    pattern:
      /ETIMEDOUT|deadline exceeded|timed out|i\/o timeout|504 Gateway Timeout|statement timeout/i,
  },
  {
    id: 'dns.resolve',
    category: 'dns_failure',
    weight: 0.9,
    pattern:
      /ENOTFOUND|EAI_AGAIN|no such host|Name or service not known|temporary failure in name resolution/i,
  },
  {
    id: 'tls.cert',
    category: 'tls_error',
    weight: 0.9,
    pattern:
      /x509:|certificate (?:has )?expired|unable to verify the first certificate|self[- ]signed certificate|handshake failure/i,
  },
  {
    id: 'auth.failed',
    category: 'auth_failure',
    weight: 0.85,
    pattern:
      /401 Unauthorized|invalid credentials|authentication failed|token (?:is )?(?:expired|invalid)/i,
  },
  {
    id: 'perm.denied',
    category: 'permission_denied',
    weight: 0.85,
    pattern: /EACCES|EPERM|403 Forbidden|permission denied|AccessDenied|forbidden: User/i,
  },
  {
    id: 'k8s.crashloop',
    category: 'crash_loop',
    weight: 0.7,
    pattern: /CrashLoopBackOff|Back-off restarting failed container/i,
  },
  {
    id: 'k8s.imagepull',
    category: 'image_pull',
    weight: 0.95,
    pattern: /ImagePullBackOff|ErrImagePull|manifest unknown|pull access denied/i,
  },
  {
    id: 'k8s.scheduling',
    category: 'scheduling',
    weight: 0.9,
    pattern:
      /FailedScheduling|Insufficient (?:cpu|memory)|didn't match|untolerated taint|unbound PersistentVolumeClaims/i,
  },
  {
    id: 'probe.failed',
    category: 'probe_failure',
    weight: 0.8,
    pattern: /(?:Liveness|Readiness|Startup) probe failed|health ?check failed|\bunhealthy\b/i,
  },
  {
    id: 'port.inuse',
    category: 'port_in_use',
    weight: 0.95,
    pattern: /EADDRINUSE|address already in use/i,
  },
  {
    id: 'config.invalid',
    category: 'config_error',
    weight: 0.75,
    pattern:
      /invalid configuration|missing required environment variable|unknown directive|configuration error/i,
  },
  {
    id: 'dep.missing',
    category: 'dependency_missing',
    weight: 0.9,
    pattern:
      /Cannot find module|ModuleNotFoundError|ClassNotFoundException|NoClassDefFoundError|command not found|error while loading shared libraries/i,
  },
  {
    id: 'file.missing',
    category: 'file_not_found',
    weight: 0.8,
    pattern: /ENOENT|No such file or directory|FileNotFoundException/i,
  },
  {
    id: 'crash.panic',
    category: 'app_crash',
    weight: 0.75,
    pattern:
      /\bpanic:|Segmentation fault|SIGSEGV|core dumped|unhandled exception|NullPointerException|TypeError: .* of undefined/i,
  },
  {
    id: 'db.connlimit',
    category: 'db_connection_limit',
    weight: 0.95,
    pattern:
      /too many connections|remaining connection slots are reserved|pool exhausted|timeout acquiring a connection/i,
  },
  {
    id: 'db.deadlock',
    category: 'db_deadlock',
    weight: 0.95,
    pattern:
      /deadlock detected|Lock wait timeout exceeded|could not serialize access|database is locked/i,
  },
  {
    id: 'rate.limited',
    category: 'rate_limited',
    weight: 0.9,
    pattern: /429 Too Many Requests|rate limit exceeded|Throttling|SlowDown/i,
  },
  {
    id: 'upstream.down',
    category: 'upstream_unavailable',
    weight: 0.85,
    pattern:
      /502 Bad Gateway|503 Service Unavailable|no healthy upstream|upstream connect error|no endpoints available/i,
  },
  {
    id: 'quota.exceeded',
    category: 'quota_exceeded',
    weight: 0.9,
    pattern: /exceeded quota|QuotaExceeded|LimitExceeded|insufficient quota/i,
  },
];
