import type { FailureCategory } from '../domain/categories.js';

/**
 * One recognisable cue of a failure category, kept as data so the catalog can
 * grow without code. The cues are the wordings real systems use for the same
 * failure (kernel, JVM, Go, Node, Python, databases, Kubernetes, proxies,
 * cloud SDKs...), not the wording of any one sample.
 */
export interface Signature {
  id: string;
  category: FailureCategory;
  /** How strongly the cue alone points at the category, 0..1. */
  weight: number;
  /**
   * Lower-case literals: text the pattern matches always contains one of
   * them. One combined scan for all anchors picks the few signatures worth
   * testing on a record (see signature-index.ts).
   */
  anchors: readonly string[];
  /** Linear: bounded repetitions only, no nested quantifiers, never the `g` flag. */
  pattern: RegExp;
  /**
   * Categories of other cues on the same physical line that this cue
   * explains away: a probe failure's own "connection refused" detail, the
   * "access denied" inside "pull access denied".
   */
  suppresses?: readonly FailureCategory[];
}

function sig(
  id: string,
  category: FailureCategory,
  weight: number,
  anchors: string,
  pattern: RegExp,
  suppresses?: readonly FailureCategory[],
): Signature {
  const signature: Signature = {
    id,
    category,
    weight,
    anchors: anchors.split('|').map((a) => a.toLowerCase()),
    pattern,
  };
  if (suppresses) signature.suppresses = suppresses;
  return signature;
}

/** Everything: what a failing health check prints is its own detail, not a second failure. */
const ANYTHING_QUOTED: readonly FailureCategory[] = [
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
  'port_in_use',
  'config_error',
  'dependency_missing',
  'file_not_found',
  'app_crash',
  'upstream_unavailable',
  'rate_limited',
];

// Weights: 0.95 unambiguous, 0.85-0.9 strong, 0.7-0.8 usually right, 0.5-0.6
// a hint that needs company. Anchors must cover every alternative of the
// pattern; signature-catalog.test.ts checks each cue through the prefilter.
export const SIGNATURES: readonly Signature[] = [
  // ---------------------------------------------------------------- oom
  sig('oom.killed', 'oom', 0.95, 'oomkill', /\bOOMKill(?:ed|ing)?\b/i),
  sig(
    'oom.kernel-killer',
    'oom',
    0.95,
    'oom-kill|oom_kill|oom kill|oom-reaper|oom_reaper',
    /\boom[-_ ]kill(?:er|ed|ing)?\b|\boom[-_]reaper\b/i,
  ),
  sig(
    'oom.out-of-memory',
    'oom',
    0.9,
    'out of memory|out-of-memory|out_of_memory',
    /\bout[- _]of[- _]memory\b/i,
  ),
  sig('oom.managed-runtime', 'oom', 0.95, 'outofmemory', /OutOfMemory(?:Error|Exception)?\b/i),
  sig(
    'oom.js-heap',
    'oom',
    0.95,
    'heap limit|heap out of memory|allocation failed',
    /\bReached heap limit\b|\bheap out of memory\b|\bAllocation failed - (?:JavaScript heap|process out of memory)/i,
  ),
  sig(
    'oom.cannot-allocate',
    'oom',
    0.85,
    'allocate|enomem|memory allocation|insufficient memory for the java',
    /\b(?:cannot|can't|could not|couldn't|unable to|failed to) allocate (?:memory|\d[\d.]{0,12} ?(?:[KMGT]i?B|bytes))\b|\bENOMEM\b|\bmemory allocation (?:failed|failure|error)\b|\binsufficient memory for the Java Runtime\b/i,
  ),
  sig('oom.python', 'oom', 0.85, 'memoryerror', /\bMemoryError\b/),
  sig('oom.bad-alloc', 'oom', 0.85, 'bad_alloc', /\bbad_alloc\b/),
  sig(
    'oom.memory-limit',
    'oom',
    0.9,
    'memory limit|memory size|memory exhausted|memory quota|memory used',
    /\b(?:exceeded|exceeds|exceeding|over|reached|hit|beyond) (?:the |its |their |container |configured |(?:physical|virtual) )?memory limits?\b|\bmemory limit (?:of \S{1,16} (?:\S{1,8} )?)?(?:exceeded|reached)\b|\bAllowed memory size of \d{1,20} bytes exhausted\b|\bmemory exhausted\b|\bmemory quota (?:vastly )?exceeded\b/i,
    ['quota_exceeded'],
  ),
  sig('oom.tensor', 'oom', 0.9, 'oom when allocating', /\bOOM when allocating\b/i),
  sig('oom.short', 'oom', 0.75, 'oom', /\bOOM\b(?! ?score)/),
  sig(
    'oom.memory-pressure',
    'oom',
    0.85,
    'memorypressure|memory pressure|low on resource: memory|low on resource: [memory|insufficientmemory',
    /\bMemoryPressure\b|\bNodeHasInsufficientMemory\b|\bunder memory pressure\b|\blow on resource: \[?memory\b/i,
  ),
  sig(
    'oom.circuit-breaker',
    'oom',
    0.7,
    'circuit_breaking_exception|circuitbreakingexception|data too large',
    /\bcircuit_breaking_exception\b|\bCircuitBreakingException\b|\bData too large, data for\b/i,
  ),
  sig(
    'oom.exit-137',
    'oom',
    0.5,
    '137|sigkill|signal 9|signal: killed',
    /\b(?:exit(?:ed)?(?: with)?(?: code| status)?|exit ?code|exitcode|status|code)[=: \t]{1,12}\(?137\b|\bExited \(137\)|\bexit code is 137\b|\bsignal "?SIGKILL"?|\bkilled by signal 9\b|\bsignal: killed\b/i,
  ),
  sig(
    'oom.killed-line',
    'oom',
    0.5,
    'killed',
    /^\s{0,20}Killed\s{0,20}$|\b\d{1,8} Killed\s{1,20}\S/m,
  ),

  sig(
    'oom.runtime-killed',
    'oom',
    0.6,
    'runtime exited with error: signal: killed',
    /\bRuntime exited with error: signal: killed\b/i,
  ),
  sig(
    'oom.compiler-killed',
    'oom',
    0.75,
    'killed signal terminated',
    /\bKilled signal terminated program\b/i,
  ),

  // ---------------------------------------------------------- disk_full
  sig(
    'disk.no-space',
    'disk_full',
    0.95,
    'no space left|enospc|errno 28|errcode: 28|error 28',
    /\bno space left on (?:device|disk)\b|\bENOSPC\b|\[Errno 28\]|\berrno[ =:]{1,3}28\b|\bErrcode: 28\b|\bos error 28\b/i,
  ),
  sig('disk.quota', 'disk_full', 0.9, 'disk quota|edquot', /\bdisk quota exceeded\b|\bEDQUOT\b/i, [
    'quota_exceeded',
  ]),
  sig(
    'disk.is-full',
    'disk_full',
    0.85,
    'is full|was full|became full|got full|% full|disk full|volume full|partition full|filesystem full|file system full|storage full|device full|drive full|tablespace full',
    /\b(?:disk|volume|partition|filesystem|file system|file-system|storage|device|drive|tablespace|table '[^'\n]{1,64}') (?:is |was |became |got )?full\b|\b(?:disk|volume|partition|filesystem|file system|device|drive|mount point) ['"]?\/[^\s'"]{0,128}['"]? (?:is|was|became) (?:100% )?full\b/i,
  ),
  sig(
    'disk.out-of-space',
    'disk_full',
    0.85,
    'out of disk|out of storage|out of space|not enough space|not enough disk|not enough free|insufficient disk|insufficient storage|insufficient free|disk space|storage resources|storagefull',
    /\b(?:ran |run |running )?out of (?:disk|storage)(?: space)?\b|\b(?:ran|run|running) out of space\b|\bnot enough (?:free )?(?:disk |storage )?space\b|\binsufficient (?:free )?(?:disk|storage)(?: space)?\b|\b(?:free )?disk space (?:is )?(?:low|exhausted|critically low|below)\b|\blow (?:on )?disk space\b|\bstorage resources are insufficient\b|\bXMinioStorageFull\b/i,
  ),
  sig(
    'disk.pressure',
    'disk_full',
    0.85,
    'diskpressure|disk pressure|ephemeral-storage|ephemeral storage|ephemeral local storage|nodefs|imagefs',
    /\bDiskPressure\b|\bNodeHasDiskPressure\b|\bunder disk pressure\b|low on resource: \[?(?:DiskPressure|ephemeral-storage)|\b(?:nodefs|imagefs)\.(?:available|inodesFree)\b|\breclaim (?:ephemeral-storage|nodefs|imagefs)\b|\bephemeral (?:local )?storage usage exceeds\b/i,
  ),
  sig(
    'disk.inodes',
    'disk_full',
    0.9,
    'inode',
    /\b(?:out of|no free|no more|exhausted|ran out of) inodes\b|\binodes? (?:exhausted|exhaustion|are full|is full)\b/i,
  ),
  sig(
    'disk.watermark',
    'disk_full',
    0.85,
    'watermark|allow delete|allow_delete',
    /\bflood[- ]stage disk watermark\b|\bhigh disk watermark\b|\bread-only \/ allow delete\b|\bread_only_allow_delete\b/i,
    ['permission_denied'],
  ),
  sig(
    'disk.etcd-space',
    'disk_full',
    0.85,
    'database space exceeded',
    /\bdatabase space exceeded\b/i,
  ),
  sig(
    'disk.thin-pool',
    'disk_full',
    0.8,
    'thin pool|free data blocks',
    /\bthin pool\b.{0,80}\b(?:is full|out of (?:data )?space|free data blocks)|\bfree data blocks which is less than minimum\b/i,
  ),

  // ------------------------------------------------------- fd_exhausted
  sig(
    'fd.too-many-open',
    'fd_exhausted',
    0.95,
    'too many open files|emfile|enfile|errno 24|error 24',
    /\btoo many open files\b|\bEMFILE\b|\bENFILE\b|\[Errno 24\]|\berrno[ =:]{1,3}24\b|\bos error 24\b/i,
  ),
  sig(
    'fd.descriptors',
    'fd_exhausted',
    0.9,
    'file descriptor|file handle|fds|fd limit|file table overflow|file-max|open files limit|worker_connections',
    /\b(?:out of|no (?:more |free )?|ran out of|exhausted(?: all)?|too many|no available) (?:file descriptors|file handles|fds)\b|\bfile descriptors? (?:limit (?:reached|exceeded)|exhausted|exhaustion)\b|\bfd limit (?:reached|exceeded)\b|\bfile table overflow\b|\bfile-max limit \d{1,12} reached\b|\bopen files limit (?:reached|exceeded)\b|\bworker_connections are not enough\b/i,
  ),
  sig(
    'fd.watchers',
    'fd_exhausted',
    0.95,
    'file watchers|inotify|max_user_watches|max_user_instances',
    /\bsystem limit for number of file watchers reached\b|\binotify (?:watch|instance)(?:es)? limit\b|\bmax_user_(?:watches|instances)\b|\binotify_(?:add_watch|init)\b.{0,80}\b(?:no space left|too many)/i,
    ['disk_full'],
  ),

  // ------------------------------------------------- connection_refused
  sig(
    'refused.connection',
    'connection_refused',
    0.9,
    'econnrefused|connection to |connection refused|connection was refused|refused the connection|refused connection|actively refused|refused to connect|connectionrefused|was refused',
    /\bECONNREFUSED\b|\bconnection refused\b|\bconnection (?:attempt )?was refused\b|\brefused (?:the )?connection\b|\bactively refused\b|\brefused to connect\b|\bConnectionRefused(?:Error|Exception)?\b|\bconnection to the server \S{1,255} was refused\b|\bConnection to \S{1,255} refused\b/i,
  ),
  sig(
    'refused.mysql',
    'connection_refused',
    0.85,
    "can't connect to mysql|can't connect to mariadb|can't connect to local|couldn't connect to server",
    /\bCan't connect to (?:MySQL|MariaDB) server on \S{1,255} \((?:111|10061|61)\b|\bCan't connect to local (?:MySQL|MariaDB) server through socket\b|\bCouldn't connect to server\b/i,
    ['file_not_found'],
  ),
  sig(
    'refused.socket-missing',
    'connection_refused',
    0.9,
    'err_connection_refused|on socket|could not connect to server: no such file',
    /ERR_CONNECTION_REFUSED\b|\bconnection to server on socket \S{1,255} failed: No such file or directory|\bcould not connect to server: No such file or directory/i,
    ['file_not_found'],
  ),
  sig(
    'refused.docker-daemon',
    'connection_refused',
    0.8,
    'docker daemon',
    /\bCannot connect to the Docker daemon\b|\bIs the docker daemon running\b/i,
  ),
  sig(
    'refused.unreachable',
    'connection_refused',
    0.6,
    'no route to host|ehostunreach|network is unreachable|enetunreach|host is unreachable',
    /\bno route to host\b|\bEHOSTUNREACH\b|\bnetwork is unreachable\b|\bENETUNREACH\b|\bhost is unreachable\b/i,
  ),

  // --------------------------------------------------- connection_reset
  sig(
    'reset.peer',
    'connection_reset',
    0.9,
    'econnreset|connection reset|connection was reset|reset by peer|connectionreset|wsaeconnreset|forcibly closed|errno 104',
    /\bECONNRESET\b|\bconnection (?:was )?reset\b|\breset by peer\b|\bConnectionReset(?:Error|Exception)?\b|\bWSAECONNRESET\b|\bforcibly closed by the remote host\b|\[Errno 104\]/i,
  ),
  sig(
    'reset.pipe',
    'connection_reset',
    0.85,
    'broken pipe|epipe|brokenpipe|errno 32',
    /\bbroken pipe\b|\bEPIPE\b|\bBrokenPipe(?:Error|Exception)?\b|\[Errno 32\]/i,
  ),
  sig('reset.hang-up', 'connection_reset', 0.85, 'hang up|hangup', /\bsocket hang ?up\b/i),
  sig(
    'reset.browser',
    'connection_reset',
    0.8,
    'err_connection_reset|err_connection_closed|err_empty_response',
    /ERR_CONNECTION_(?:RESET|CLOSED)\b|ERR_EMPTY_RESPONSE\b/i,
  ),
  sig(
    'reset.closed',
    'connection_reset',
    0.8,
    'closed the connection|prematurely|premature close|premature_close|remote end closed|remotedisconnected|closed by|connection closed|connection terminated|connection aborted|connection was closed|connection was aborted|econnaborted|connection abort|lost connection|gone away|ssl syscall|closed unexpectedly',
    /\bserver closed the connection unexpectedly\b|\bprematurely closed(?: the)? connection\b|\bconnection closed prematurely\b|\bpremature close\b|\bERR_STREAM_PREMATURE_CLOSE\b|\bRemote end closed connection\b|\bRemoteDisconnected\b|\bconnection (?:was )?(?:closed|terminated|aborted) (?:unexpectedly|by (?:the )?(?:remote(?: host| peer| side| end)?|peer|server|foreign host))\b|\bclosed by (?:the )?(?:remote host|peer|foreign host)\b|\bConnection aborted\b|\bECONNABORTED\b|\bsoftware caused connection abort\b|\bLost connection to (?:\w{1,20} )?server\b|\bserver has gone away\b|\bSSL SYSCALL error\b|\bconnection has been closed unexpectedly\b/i,
  ),
  sig(
    'reset.hung-up',
    'connection_reset',
    0.8,
    'hung up unexpectedly|empty reply from server|transfer closed with outstanding|early eof',
    /\bremote end hung up unexpectedly\b|\bEmpty reply from server\b|\btransfer closed with outstanding read data\b|\bearly EOF\b/i,
  ),
  sig(
    'reset.eof',
    'connection_reset',
    0.6,
    'unexpected eof|eof occurred|closed network connection|transport is closing|goaway|rst_stream|stream reset|stream was reset',
    /\bunexpected EOF\b(?! while parsing)|\bEOF occurred in violation of protocol\b|\buse of closed network connection\b|\btransport is closing\b|\bGOAWAY\b|\bRST_STREAM\b|\bstream (?:was )?reset\b/i,
  ),

  // ------------------------------------------------------------ timeout
  sig(
    'timeout.errno',
    'timeout',
    0.9,
    'etimedout|esockettimedout|etimeout|wsaetimedout|errno 110|did not properly respond',
    /\bE(?:SOCKET)?TIMEDOUT\b|\bETIMEOUT\b|\bWSAETIMEDOUT\b|\[Errno 110\]|\bdid not properly respond after a period of time\b/i,
  ),
  sig(
    'timeout.deadline',
    'timeout',
    0.85,
    'deadline exceeded|deadline_exceeded|deadlineexceeded',
    /\bdeadline exceeded\b|\bDEADLINE_EXCEEDED\b|\bDeadlineExceeded\b/i,
  ),
  sig(
    'timeout.timed-out',
    'timeout',
    0.85,
    'timed out|timed-out|timedout|timed_out',
    /\btimed[- _]?out\b|_TIMED_OUT\b/i,
  ),
  sig(
    'timeout.exception',
    'timeout',
    0.85,
    'timeout',
    /\b(?:\w{0,30}Timeout(?:Error|Exception)|(?:Read|Connect|Write|Pool|Open|Socket|Request|Gateway)Timeout)\b|\btimeout (?:exceeded|expired|reached|elapsed|occurred|occured|while (?:waiting|reading|connecting)|waiting for|awaiting)\b|\b(?:exceeded|reached|hit) (?:the |its |a )?(?:\w{1,20} )?timeout\b|\b(?:i\/o|io|handshake|statement|lock) timeout\b/i,
  ),
  sig(
    'timeout.gateway',
    'timeout',
    0.85,
    'gateway time|504|408 request time',
    /\bGateway Time-?out\b|\b(?:HTTP(?:\/\d(?:\.\d)?)?|status(?: ?code)?[=: ]{1,3}|code[=: ]{1,3}|got|returned|response) ?504\b|\b408 Request Time-?out\b/i,
  ),
  sig(
    'timeout.execution',
    'timeout',
    0.85,
    'maximum execution time|execution expired|took longer than|timely fashion|timeout',
    /\bMaximum execution time of \d{1,6} seconds? exceeded\b|\bexceeded the maximum execution time\b|\bexecution expired\b|\b(?:execution|job|step|request|operation|command|task) took longer than\b|\bin a timely fashion\b|\btimeout (?:of )?\d[\d.]{0,10} ?(?:ms|s|sec|seconds|milliseconds|m|minutes)? ?exceeded\b|\b(?:Request|Boot|Gateway|upstream request) timeout\b(?!\s{0,2}[=:]\s{0,2}\d)/i,
  ),

  // -------------------------------------------------------- dns_failure
  sig(
    'dns.codes',
    'dns_failure',
    0.95,
    'enotfound|err_name_|eai_again|eai_noname|eai_fail|eai_nodata|getaddrinfo|gaierror|nxdomain|servfail',
    /\bENOTFOUND\b|ERR_NAME_(?:NOT_RESOLVED|RESOLUTION_FAILED)\b|\bEAI_(?:AGAIN|NONAME|FAIL|NODATA)\b|\bgetaddrinfo (?:ENOTFOUND|EAI_\w{1,10}|failed)\b|\bgaierror\b|\bNXDOMAIN\b|\bSERVFAIL\b/i,
  ),
  sig(
    'dns.phrases',
    'dns_failure',
    0.95,
    'no such host|temporary failure resolving|name or service not known|name resolution|nameresolution|nodename nor servname|name does not resolve|no address associated|could not translate host|server misbehaving|unknownhost|unknown host|host not found|remote name could not be resolved|resolving timed out|dns',
    /\bno such host\b|\bName or service not known\b|\bname resolution (?:failed|failure|error)\b|\bfailure in name resolution\b|\bTemporary failure resolving\b|\bNameResolution(?:Error|Failure)\b|\bnodename nor servname provided\b|\bName does not resolve\b|\bNo address associated with hostname\b|\bcould not translate host name\b|\bserver misbehaving\b|\bUnknownHost(?:Exception)?\b|\bunknown host\b|\bhost not found\b|\bremote name could not be resolved\b|\bResolving timed out\b|\bDNS (?:lookup|resolution|query|resolve) (?:failed|failure|error|timed out)\b|\bDNS_PROBE_FINISHED_NXDOMAIN\b/i,
    ['timeout', 'connection_refused'],
  ),
  sig(
    'dns.could-not-resolve',
    'dns_failure',
    0.9,
    'resolve',
    /\b(?:could ?n[o']t|unable to|failed to|cannot|can't|can not) resolve (?:the )?(?:host(?:name)?|address|domain|dns|server|proxy)\b|\b(?:could ?n[o']t|unable to|failed to|cannot|can't) resolve ['"]?[a-z0-9][\w-]{0,62}(?:\.[\w-]{1,63}){1,8}['"]?(?::\d{1,5})?(?=[\s;,)]|$)/i,
    ['timeout'],
  ),
  sig(
    'dns.resolver-query',
    'dns_failure',
    0.8,
    "udp |nslookup|server can't find",
    /\budp [\w.:[\]-]{3,64}->[\w.:[\]-]{3,64}:53: |\bnslookup: can't resolve\b|\bserver can't find \S{1,255}: (?:NXDOMAIN|SERVFAIL|REFUSED)/i,
    ['timeout', 'connection_refused'],
  ),
  sig(
    'dns.go-lookup',
    'dns_failure',
    0.85,
    'lookup ',
    /\blookup [\w-]{1,63}(?:\.[\w-]{1,63}){0,8}(?: on [\w.:[\]-]{3,64}): |\blookup [\w-]{1,63}(?:\.[\w-]{1,63}){1,8}: (?:no such host|server misbehaving|i\/o timeout|Temporary failure|read udp|dial udp)/i,
    ['timeout', 'connection_refused'],
  ),

  // ---------------------------------------------------------- tls_error
  sig('tls.x509', 'tls_error', 0.95, 'x509', /\bx509: /i),
  sig(
    'tls.certificate',
    'tls_error',
    0.9,
    'certificate|sslpeerunverified|cert_|pkix|certpath|certification path|self signed|self-signed|issuer|err_cert|sec_error|altnames|subject alternative|unknown ca|unknown_ca',
    /\bcertificate (?:has )?expired\b|\bcertificate is (?:not yet valid|expired|not trusted|revoked|invalid)\b|\bexpired certificate\b|\bcert(?:ificate)? (?:verify|verification|validation) failed\b|\bCERTIFICATE_VERIFY_FAILED\b|\bunable to (?:verify the first certificate|get (?:local )?issuer certificate)\b|\bself[- ]signed certificate\b|\b(?:DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE)\b|\bPKIX path (?:building|validation) failed\b|\bunable to find valid certification path\b|\bcertificate signed by unknown authority\b|\bunknown (?:certificate authority|ca)\b|\bunknown_ca\b|\bdoes not match certificate's altnames\b|\bcertificate is valid for\b|\bNo subject alternative (?:DNS )?names? matching\b|\b(?:doesn't|does not) match any of the subject alternative names\b|\bSSLPeerUnverifiedException\b|\bno alternative certificate subject name matches\b|\bSSL certificate problem\b|\b(?:bad|unknown|revoked|unsupported) certificate\b|\bcertificate (?:rejected|unknown|required|verify failed)\b|\bremote certificate is invalid\b|\bCert(?:ificate\w{0,20}|Path\w{0,20})Exception\b|\bNET::ERR_CERT_\w{1,40}|\bSEC_ERROR_\w{1,40}|\b(?:failed to (?:renew|issue|obtain|load|parse) (?:the )?(?:TLS |SSL |x509 )?certificate|certificate (?:renewal|issuance) failed)\b/i,
    ['auth_failure', 'connection_reset'],
  ),
  sig(
    'tls.handshake',
    'tls_error',
    0.85,
    'handshake|ssl|tls:|wrong version number|wrong_version_number|tlsv1_alert|sslv3_alert|unsupported protocol|shared cipher|cipher suite',
    /\b(?:SSL|TLS) ?handshake (?:failed|failure|error|exception)\b|\bSSLHandshakeException\b|\bhandshake[_ ]failure\b|\btls: (?:handshake failure|bad certificate|unknown certificate|first record does not look like a TLS handshake|protocol version not supported|no supported versions|internal error|failed to verify)|\bremote error: tls: \w{1,30}|\bTLS handshake error\b|\bwrong version number\b|\bWRONG_VERSION_NUMBER\b|\b(?:TLSV1|SSLV3)_ALERT_\w{1,40}|\bSSL(?:Error|Exception)\b|\bSSL_ERROR_\w{1,30}|\bSSL routines\b|\bSSL_connect\b|\bsslv3 alert\b|\bSSL connect error\b|\bunsupported protocol\b|\bno (?:shared cipher|cipher suites? in common)\b|\bERR_SSL_\w{1,40}/i,
    ['connection_reset', 'auth_failure'],
  ),

  sig(
    'tls.setup',
    'tls_error',
    0.85,
    'http response to https client|load certificate|load the certificate|load tls certificate|load ssl certificate|load x509 certificate|load server certificate|acme certificate',
    /\bserver gave HTTP response to HTTPS client\b|\b(?:cannot|can't|could not|unable to|failed to) load (?:the )?(?:TLS |SSL |x509 |server )?certificate\b|\bunable to obtain ACME certificate\b/i,
    ['file_not_found', 'permission_denied'],
  ),

  // ------------------------------------------------------- auth_failure
  sig(
    'auth.http-401',
    'auth_failure',
    0.8,
    '401|unauthorized|unauthorised',
    /\b401 Unauthori[sz]ed\b|\b(?:HTTP(?:\/\d(?:\.\d)?)?|status(?: ?code)?[=: ]{1,3}|code[=: ]{1,3}|error[=: ]{1,3}|got|returned|response(?: code)?) ?401\b|\bE401\b|\bUnauthori[sz]ed\b/i,
  ),
  sig(
    'auth.bad-credentials',
    'auth_failure',
    0.9,
    'invalid|bad|wrong|incorrect|expired|no valid',
    /\b(?:invalid|bad|wrong|incorrect|expired|no valid) (?:user(?:name)? (?:or|and|\/) password|password|passphrase|credentials?|login|api[ _-]?key|access[ _-]?key|secret(?: key)?|(?:auth(?:entication)?|access|bearer|refresh|security|session|id) token|token|jwt|client secret|username-password pair)\b|\binvalid_(?:api_key|token|credentials|grant|client)\b|\bunauthorized_client\b/i,
  ),
  sig(
    'auth.failed',
    'auth_failure',
    0.9,
    'authentication|authenticate|unauthenticated',
    /\bauthentication (?:failed|failure|error|required|denied|rejected|is required)\b|\bAuthentication(?:Failed|Error|Exception|Failure)\b|\b(?:failed|unable) to authenticate\b|\bcould not (?:be )?authenticated?\b|\bnot authenticated\b|\bUnauthenticated\b|\bdoes not support authentication protocol\b/i,
  ),
  sig(
    'auth.mysql-access',
    'auth_failure',
    0.95,
    'using password',
    /\bAccess denied for user \S{1,200} \(using password: /i,
    ['permission_denied'],
  ),
  sig(
    'auth.login',
    'auth_failure',
    0.85,
    'could not read username|could not read password|login|access_refused|probableauthenticationerror|logon|logged in|failed password|invalid user|pg_hba.conf|host key verification',
    /\bcould not read (?:Username|Password) for\b|\bLogin failed\b|\blogin (?:incorrect|denied|failure|was refused)\b|\bACCESS_REFUSED\b|\bProbableAuthenticationError\b|\bLogon failure\b|\binvalid login\b|\bmust be logged in\b|\bFailed password for\b|\bInvalid user \S{1,64} from\b|\bno pg_hba\.conf entry\b|\bHost key verification failed\b/i,
  ),
  sig(
    'auth.missing-role',
    'auth_failure',
    0.7,
    'does not exist',
    /\brole "[^"\n]{1,64}" does not exist\b/i,
  ),
  sig(
    'auth.ssh-publickey',
    'auth_failure',
    0.95,
    'permission denied (',
    /\bPermission denied \((?:publickey|password|keyboard-interactive|gssapi)[^)\n]{0,80}\)/i,
    ['permission_denied'],
  ),
  sig(
    'auth.token-expired',
    'auth_failure',
    0.85,
    'expired|revoked|expiredtoken|tokenexpired|invalidtoken',
    /\b(?:token|jwt|credentials?|password|api key)(?: has| have| is| was)?(?: been)? (?:expired|revoked)\b|\bTokenExpired(?:Error|Exception)?\b|\bExpiredToken(?:Exception)?\b|\bInvalidToken\w{0,12}\b/i,
  ),
  sig(
    'auth.cloud',
    'auth_failure',
    0.9,
    'invalidclienttokenid|unrecognizedclient|invalidaccesskeyid|signaturedoesnotmatch|authfailure|incompletesignature|missingauthenticationtoken|nocredentialproviders|locate credentials|security token|access key id|credentialserror|credentials|aadsts|invalidauthenticationtoken|noauth|wrongpass',
    /\bInvalidClientTokenId\b|\bUnrecognizedClient(?:Exception)?\b|\bInvalidAccessKeyId\b|\bSignatureDoesNotMatch\b|\bAuthFailure\b|\bIncompleteSignature\b|\bMissingAuthenticationToken\b|\bNoCredentialProviders\b|\bUnable to locate credentials\b|\bsecurity token included in the request is (?:invalid|expired)\b|\bAccess Key Id you provided does not exist\b|\bNoCredentials?Error\b|\bCredentialsError\b|\bCould not (?:load|find) (?:the )?default credentials\b|\binvalid authentication credentials\b|\bDefaultCredentialsError\b|\bAADSTS\d{4,8}\b|\bInvalidAuthenticationToken\w{0,20}|\bNOAUTH\b|\bWRONGPASS\b/i,
    ['permission_denied'],
  ),

  // -------------------------------------------------- permission_denied
  sig(
    'perm.denied',
    'permission_denied',
    0.85,
    'permission denied|eacces|eperm|permissionerror|errno 13|access denied|access is denied|accessdenied|permission_denied|permission denial|operation not permitted',
    /\bpermission denied\b|\bEACCES\b|\bEPERM\b|\bPermissionError\b|\[Errno 13\]|\bos error 13\b|\bAccess(?:Denied(?:Exception|Error)?| is denied| denied)\b|\bPERMISSION_DENIED\b|\bPermission Denial\b|\boperation not permitted\b/i,
  ),
  sig(
    'perm.http-403',
    'permission_denied',
    0.6,
    '403|forbidden',
    /\b403 Forbidden\b|\b(?:HTTP(?:\/\d(?:\.\d)?)?|status(?: ?code)?|code|error)[=: ]{1,3}403\b|\b(?:got|returned|response(?: code)?) 403\b|\bE403\b|\b403 \(Forbidden\)|\bForbidden\b/i,
  ),
  sig(
    'perm.rbac',
    'permission_denied',
    0.95,
    'forbidden: user|is forbidden',
    /\bforbidden: User "[^"\n]{1,253}" cannot\b|\bis forbidden: User\b/i,
  ),
  sig(
    'perm.not-authorized',
    'permission_denied',
    0.9,
    'not authorized|unauthorizedoperation|authorizationfailed|authorizationerror|does not have|insufficient|not enough permission|not sufficient permission|missing permission|missing required permission|permission \'|permission "|permission to |required \'|required "|must be owner|command denied|not allowed to',
    /\b(?:is )?not authori[sz]ed to (?:perform|access)\b|\bUnauthorizedOperation\b|\bAuthorization(?:Failed|Error)\b|\bdoes not have (?:the )?(?:required )?(?:permissions?|authori[sz]ation|access|privileges?)\b|\binsufficient (?:permissions?|privileges?|access rights|scopes?)\b|\bInsufficientPermissions?\b|\bnot (?:enough|sufficient) permissions?\b|\bmissing (?:required )?permissions?\b|\bPermission ['"][^'"\n]{1,128}['"] denied\b|\bPermission to \S{1,200} denied\b|\bRequired ['"][\w.]{1,80}['"] permission|\bmust be owner of\b|\b(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|EXECUTE|INDEX) command denied to user\b|\bnot allowed to (?:access|perform|read|write|create|delete|list|get|modify|execute)\b/i,
  ),
  sig(
    'perm.os-policy',
    'permission_denied',
    0.85,
    'avc:|apparmor|sudoers|root|read-only file system|erofs|securityexception|client denied|ah01630|requested access to the resource is denied',
    /\bavc: {1,2}denied\b|\bapparmor="DENIED"|\bis not in the sudoers file\b|\bmust be run as root\b|\b(?:are you|must be|need to be) root\b|\brequires root privileges\b|\bOnly root can\b|\bRead-only file system\b|\bEROFS\b|\bSecurityException\b|\bclient denied by server configuration\b|\bAH01630\b|\brequested access to the resource is denied\b/i,
  ),

  // --------------------------------------------------------- crash_loop
  sig(
    'crashloop.k8s',
    'crash_loop',
    0.9,
    'crashloopbackoff|restarting failed container',
    /\bCrashLoopBackOff\b|\brestarting failed container\b/i,
  ),
  sig(
    'crashloop.restart-limit',
    'crash_loop',
    0.85,
    'start request repeated too quickly|start-limit-hit|restart counter is at|too many start retries|entered fatal state|backoff state|unstable restarts|too many restarts|restart loop|restarting too|crash loop|crashloop|exceeded allowed attempts|restarted|essential container',
    /\bStart request repeated too quickly\b|\bstart-limit-hit\b|\brestart counter is at (?:[2-9]|\d{2,6})\b|\btoo many start retries\b|\bentered FATAL state\b|\bentered BACKOFF state\b|\btoo many unstable restarts\b|\btoo many restarts\b|\brestart loop\b|\brestarting too (?:often|quickly|frequently)\b|\bcrash ?loop(?:ing)?\b|\bExceeded allowed attempts \d{1,4} in interval\b|\brestarted (?:[3-9]|\d{2,5}) times\b|\bEssential container in task exited\b/i,
  ),
  sig(
    'crashloop.restarting-state',
    'crash_loop',
    0.6,
    'restarting|restart count|restartcount',
    /\bRestarting \(\d{1,3}\) (?:\d{1,5}|About an?|Less than a) \w{1,8}\b|(?:^|\s)Restarting[ \t]*$|"Restarting": ?true\b|\bRestart Count: {0,8}(?:[2-9]|\d{2,5})\b|\brestartCount"?: ?(?:[3-9]|\d{2,5})\b/m,
  ),

  // --------------------------------------------------------- image_pull
  sig(
    'image.k8s',
    'image_pull',
    0.95,
    'imagepullbackoff|trying and failing to pull|errimagepull|errimageneverpull|invalidimagename|pulling image',
    /\bImagePullBackOff\b|\bErrImagePull\b|\btrying and failing to pull image\b|\bErrImageNeverPull\b|\bInvalidImageName\b|\bBack-?off pulling image\b|\b(?:error|failed) (?:while )?pulling image\b/i,
    ['auth_failure', 'permission_denied', 'file_not_found'],
  ),
  sig(
    'image.pull-failed',
    'image_pull',
    0.9,
    'failed to pull|image |pull access denied|repository does not exist|manifest|no such image|image not known|name unknown|failed to resolve reference|image pull failed',
    /\bfailed to pull (?:and unpack )?image\b|\bpull access denied\b|\brepository does not exist or may require\b|\bmanifest unknown\b|\bmanifest for \S{1,255} not found\b|\bno matching manifest for\b|\breading manifest\b|\bNo such image\b|\bimage ['"]?[\w./:@-]{1,255}['"]? not found\b|\bimage not known\b|\bname unknown\b|\bfailed to resolve reference\b|\bimage pull failed\b/i,
    ['auth_failure', 'permission_denied', 'file_not_found'],
  ),

  // --------------------------------------------------------- scheduling
  sig(
    'sched.k8s',
    'scheduling',
    0.95,
    "failedscheduling|nodes are available|unschedulable|no nodes available|node(s)|untolerated taint|didn't tolerate|unbound|notriggerscaleup|trigger scale-up|preemption|persistentvolumeclaim",
    /\bFailedScheduling\b|\b\d{1,5}\/\d{1,5} nodes are available\b|\bUnschedulable\b|\bno nodes available to schedule pods\b|\bnode\(s\) (?:didn't|did not|had|were|exceed|are)\b|\buntolerated taint\b|\bthat the pod didn't tolerate\b|\bunbound (?:immediate )?PersistentVolumeClaims\b|\bNotTriggerScaleUp\b|\bpod didn't trigger scale-up\b|\bPreemption is not helpful\b|\bpersistentvolumeclaim "[^"\n]{1,253}" not found\b|\bno preemption victims found\b/i,
    ['disk_full', 'oom', 'quota_exceeded'],
  ),
  sig(
    'sched.insufficient',
    'scheduling',
    0.85,
    'insufficient',
    /\b\d{1,5} Insufficient [\w./-]{1,80}|\bInsufficient (?:cpu|pods|nvidia\.com\/gpu|[\w.-]{1,64}\/[\w.-]{1,64})\b/i,
  ),
  sig(
    'sched.capacity',
    'scheduling',
    0.8,
    'could not schedule pod|incompatible with|enough resource|outofcpu|outofmemory|outofpods|zone_resource_pool_exhausted|enough resources available|insufficientinstancecapacity',
    /\bcould not schedule pod\b|\bincompatible with (?:nodepool|provisioner)\b|\bNode didn't have enough resource\b|\bOutOf(?:cpu|pods)\b|\bZONE_RESOURCE_POOL_EXHAUSTED\w{0,20}|\bdoes not have enough resources available to fulfill the request\b|\bInsufficientInstanceCapacity\b/,
    ['quota_exceeded'],
  ),
  sig(
    'sched.other-orchestrators',
    'scheduling',
    0.85,
    'no suitable node|insufficient resources on|placement failures|unable to place|no container instance met|filtered|exhausted on',
    /\bno suitable node\b|\binsufficient resources on \d{1,5} nodes?\b|\bPlacement Failures\b|\bunable to place (?:a )?task\b|\bno container instance met all of its requirements\b|\bConstraint .{1,80} filtered \d{1,5} nodes?\b|\bDimension "?\w{1,20}"? exhausted on \d{1,5} nodes?\b/i,
  ),

  // ------------------------------------------------------ probe_failure
  sig(
    'probe.k8s',
    'probe_failure',
    0.9,
    'probe failed|probe errored|failed liveness|failed readiness|failed startup|probe failure',
    /\b(?:Liveness|Readiness|Startup|HTTP|TCP|exec|gRPC) probe (?:failed|errored)\b|\bfailed (?:liveness|readiness|startup) probe\b|\bprobe failure\b/i,
    ANYTHING_QUOTED,
  ),
  sig(
    'probe.health-check',
    'probe_failure',
    0.85,
    'health check|healthcheck|health-check|failedhealthchecks|is now critical',
    /\bhealth[- ]?checks? (?:exceeded (?:its |the )?timeout|failed|failing|failure|timed out|error|returned (?:unhealthy|fail\w{0,3}|5\d\d))\b|\bfail(?:ed|ing) (?:the )?(?:\w{1,20} )?health[- ]?checks?\b|\b(?:Target\.)?FailedHealthChecks\b|\b[Cc]heck (?:is now critical|.{1,80} is now critical)\b/i,
    ANYTHING_QUOTED,
  ),
  sig('probe.unhealthy', 'probe_failure', 0.75, 'unhealthy', /\bunhealthy\b/i, ANYTHING_QUOTED),

  // -------------------------------------------------------- port_in_use
  sig(
    'port.in-use',
    'port_in_use',
    0.95,
    'eaddrinuse|address already in use|already allocated|only one usage|errno 98|(98:|wsaeaddrinuse|10048|already in use|in use by another|being used by another',
    /\bEADDRINUSE\b|\baddress already in use\b|\bport is already allocated\b|\bOnly one usage of each socket address\b|\[Errno 98\]|\(98:|\bos error 98\b|\bWSAEADDRINUSE\b|\berror 10048\b|\bport \d{1,5} (?:is|was) (?:already )?(?:in use|taken|occupied|being used)\b|\b(?:port|address|socket) (?:is )?already in use\b|\bport \d{1,5} (?:is )?(?:in use|being used) by another\b/i,
  ),
  sig(
    'port.bind',
    'port_in_use',
    0.6,
    'bind',
    /\b(?:failed|unable|could not|couldn't|can't|cannot) (?:to )?bind (?:to )?(?:port|address|socket)\b|\bbind\(\) to \S{1,64} failed\b/i,
  ),

  // ------------------------------------------------------- config_error
  sig(
    'config.invalid',
    'config_error',
    0.8,
    'invalid config|invalid setting|configuration|config error|config is invalid|config file|config validation|misconfigur|configerror|configexception|improperlyconfigured|badconfig',
    /\binvalid (?:configuration|config|settings?)\b|\bconfiguration (?:error|is invalid|invalid|problem)\b|\bconfig(?:uration)? (?:file )?(?:error|is invalid|validation failed)\b|\bmisconfigur(?:ed|ation)\b|\bConfig(?:uration)?(?:Error|Exception)\b|\bImproperlyConfigured\b|\bBadConfig\w{0,10}\b|\bconfiguration file \S{1,255} (?:test failed|contains errors)\b|\bFATAL CONFIG FILE ERROR\b/i,
    ['file_not_found'],
  ),
  sig(
    'config.load',
    'config_error',
    0.75,
    'config|settings|properties|yaml',
    /\b(?:error|failed|failure|unable|cannot|can't|could not|couldn't) (?:to )?(?:load|loading|parse|parsing|read|reading|validate|validating|decode|decoding|unmarshal(?:l?ing)?) (?:the )?(?:[\w.-]{1,30} )?(?:(?:config(?:uration)?|settings|yaml)(?: files?)?\b|properties files?\b)/i,
    ['file_not_found'],
  ),
  sig(
    'config.directive',
    'config_error',
    0.9,
    'unknown directive|invalid directive|invalid parameter|invalid number of arguments|directive is not allowed|syntax error on line|ah00526|invalid command|bad directive|perhaps misspelled',
    /\bunknown directive\b|\binvalid (?:directive|parameter|number of arguments)\b|\bdirective is not allowed here\b|\bSyntax error on line \d{1,6} of\b|\bAH00526\b|\bInvalid command '[^'\n]{1,64}', perhaps misspelled\b|\bBad directive or wrong number of arguments\b/i,
  ),
  sig('config.emerg', 'config_error', 0.45, '[emerg]', /\[emerg\]/i),
  sig(
    'config.yaml',
    'config_error',
    0.75,
    'yaml',
    /\byaml: (?:line \d{1,6}: )?(?:mapping values|did not find expected|could not find expected|found character that cannot start|unmarshal errors|found unexpected|block sequence entries|control characters)|\bYAMLException\b|\byaml\.(?:scanner|parser|constructor|composer)\.\w{1,30}Error\b|\berror converting YAML to JSON\b|\b(?:Error parsing|invalid) YAML\b|\bYAML (?:parse|syntax) error\b/i,
  ),
  sig(
    'config.environment',
    'config_error',
    0.8,
    'environment|env var|env variable',
    /\b(?:missing|required|undefined|unset) (?:required )?(?:environment|env) (?:variables?|vars?)\b|\b(?:environment|env) (?:variable|var) (?:\S{1,64} )?(?:is )?(?:not set|missing|required|undefined|must be set|is empty|not defined|not found)\b/i,
    ['app_crash'],
  ),
  sig(
    'config.environment-name',
    'config_error',
    0.7,
    'is not set|must be set|not set|is required|os.environ',
    /\b[A-Z][A-Z0-9_]{2,63} (?:is not set|must be set|not set|is required)\b|\bos\.environ\[/,
    ['app_crash'],
  ),
  sig(
    'config.env-keyerror',
    'config_error',
    0.65,
    'keyerror',
    /\bKeyError: '[A-Z][A-Z0-9_]{2,63}'/,
    ['app_crash'],
  ),
  sig(
    'config.options',
    'config_error',
    0.7,
    'unknown|unrecognized|unrecognised|flag provided but not defined|could not create the java virtual machine|invalid option|invalid flag',
    /\bunknown (?:flag|option|shorthand flag|command line option|configuration (?:key|parameter|option)|setting|variable '|directive)\b|\bflag provided but not defined\b|\bunrecogni[sz]ed (?:option|arguments?|command-line option|configuration parameter|parameter|VM option|setting)\b|\bCould not create the Java Virtual Machine\b|\binvalid (?:option|flag)\b/i,
  ),
  sig('config.cli-value', 'config_error', 0.7, 'invalid value for', /\bInvalid value for ["'-]/i),
  sig(
    'config.frameworks',
    'config_error',
    0.85,
    "failed to bind properties|could not resolve placeholder|failed to configure a datasource|createcontainerconfigerror|couldn't find key|not found|error validating data|validationerror(|strict decoding error|is invalid:|additional propert|invalid interpolation|no configuration file provided|invalid value for parameter|unrecognized configuration|defaults handling|bad unit file setting|missing required",
    /\bFailed to bind properties under\b|\bCould not resolve placeholder\b|\bFailed to configure a DataSource\b|\bCreateContainerConfigError\b|\bcouldn't find key \S{1,253} in (?:ConfigMap|Secret)\b|\b(?:configmap|secret|serviceaccount) "[^"\n]{1,253}" not found\b|\berror validating data\b|\bValidationError\(|\bstrict decoding error\b|\bis invalid: \S{1,253}: (?:Required|Invalid|Unsupported|Forbidden|Duplicate) value\b|\bAdditional propert(?:y|ies) .{1,80} (?:is|are) not allowed\b|\bInvalid interpolation format\b|\bno configuration file provided\b|\binvalid value for parameter\b|\bunrecognized configuration parameter\b|\bFatal error in defaults handling\b|\bbad unit file setting\b|\bMissing required (?:argument|parameter|property|field|key|option|setting)\b/i,
    ['permission_denied', 'file_not_found'],
  ),

  sig(
    'config.platform',
    'config_error',
    0.8,
    'no matches for kind|crds are installed|mount a directory onto a file|runasnonroot',
    /\bno matches for kind\b|\bensure CRDs are installed\b|\bmount a directory onto a file\b|\bcontainer has runAsNonRoot and image will run as root\b/i,
  ),
  sig(
    'config.database-name',
    'config_error',
    0.65,
    'does not exist|unknown database',
    /\bdatabase "[^"\n]{1,64}" does not exist\b|\bUnknown database '[^'\n]{1,64}'/i,
  ),
  sig(
    'config.field-value',
    'config_error',
    0.7,
    'required value|invalid value|unsupported value',
    /\b(?:Required|Invalid|Unsupported) value(?::|$)/im,
    ['permission_denied'],
  ),

  // ------------------------------------------------- dependency_missing
  sig(
    'dep.node',
    'dependency_missing',
    0.95,
    'cannot find module|cannot find package|module_not_found|err_module_not_found|module not found',
    /\bCannot find (?:module|package)\b|\bMODULE_NOT_FOUND\b|\bERR_MODULE_NOT_FOUND\b|\bModule not found\b/i,
    ['file_not_found', 'dns_failure'],
  ),
  sig(
    'dep.resolution',
    'dependency_missing',
    0.75,
    'eresolve|resolve dependency|conflicting peer',
    /\bERESOLVE\b|\bunable to resolve dependency tree\b|\bCould not resolve dependency\b|\bconflicting peer dependency\b/i,
  ),
  sig(
    'dep.python',
    'dependency_missing',
    0.95,
    'modulenotfounderror|no module named|importerror|dll load failed',
    /\bModuleNotFoundError\b|\bNo module named\b|\bImportError: (?:No module|cannot import name|DLL load failed|lib\S{1,80}: cannot open shared object)|\bDLL load failed\b/i,
    ['file_not_found'],
  ),
  sig(
    'dep.jvm',
    'dependency_missing',
    0.9,
    'classnotfoundexception|noclassdeffounderror|could not find or load main class|unsatisfiedlinkerror|nosuchmethoderror|nosuchfielderror',
    /\bClassNotFoundException\b|\bNoClassDefFoundError\b|\bCould not find or load main class\b|\bUnsatisfiedLinkError\b|\bNoSuchMethodError\b|\bNoSuchFieldError\b/i,
  ),
  sig(
    'dep.executable',
    'dependency_missing',
    0.9,
    'command not found|not found|executable file not found|not recognized as|bad interpreter|spawn|env: ',
    /\bcommand not found\b|\b(?:sh|bash|zsh|dash|ash|\/bin\/\w{1,8}): (?:\d{1,6}: |line \d{1,6}: )?[^\s:]{1,128}: (?:command )?not found\b|\bexecutable file not found\b|\bis not recognized as (?:an internal or external command|the name of a cmdlet)\b|\bbad interpreter\b|\bspawn \S{1,255} ENOENT\b|\benv: .{1,80}: No such file or directory\b|\bexec: "[^"\n]{1,255}": stat \S{1,255}: no such file or directory/i,
    ['file_not_found'],
  ),
  sig(
    'dep.shared-library',
    'dependency_missing',
    0.95,
    'error while loading shared libraries|linker |cannot open shared object|library not loaded|undefined symbol|glibc|cannot find -l|library not found for',
    /\berror while loading shared libraries\b|\bcannot open shared object file\b|\bLibrary not loaded\b|\bundefined symbol: |\bGLIBC_\d{1,3}\.\d{1,3}'? not found\b|\bcannot find -l\S{1,128}|\blinker [`'"]?[\w.+-]{1,40}[`'"]? not found\b|\blibrary not found for -l\S{1,128}/i,
    ['file_not_found', 'image_pull'],
  ),
  sig(
    'dep.packages',
    'dependency_missing',
    0.85,
    "satisfies the requirement|no matching distribution|unable to locate package|no installation candidate|no package|no matching version|npm err! 404|e404|could not find gem|gem::|cannot load such file|loaderror|could not resolve|could not find artifact|is not in goroot|is not in std|no required module provides|missing go.sum|unable to find a match|no matching package|not in the pkg-config search path|h: no such file|hpp: no such file|can't find crate",
    /\bCould not find a version that satisfies the requirement\b|\bNo matching distribution found\b|\bUnable to locate package\b|\bhas no installation candidate\b|\bNo package \S{1,128} available\b|\bNo matching version found for\b|\bnpm ERR! 404\b|\bE404\b|\bCould not find gem\b|\bGem::(?:MissingSpecError|LoadError)\b|\bcannot load such file\b|\bLoadError\b|\bCould not resolve (?:all )?(?:dependencies|artifacts|files)\b|\bCould not resolve [\w.-]{1,100}:[\w.-]{1,100}:|\bCould not find artifact\b|\bpackage \S{1,200} is not in (?:GOROOT|std)\b|\bno required module provides package\b|\bmissing go\.sum entry\b|\bUnable to find a match: |\bNo matching package to install\b|\bwas not found in the pkg-config search path\b|\bfatal error: [\w/.+-]{1,255}\.h(?:pp)?: No such file or directory|\bcan't find crate for\b/i,
    ['file_not_found', 'dns_failure'],
  ),

  // ----------------------------------------------------- file_not_found
  sig(
    'file.enoent',
    'file_not_found',
    0.85,
    'enoent|no such file|filenotfound|nosuchfile|cannot find the file|cannot find the path|errno 2]|os error 2',
    /\bENOENT\b|\bNo such file or directory\b|\bFileNotFound(?:Exception|Error)?\b|\bNoSuchFileException\b|\bcannot find the (?:file|path) specified\b|\[Errno 2\]|\bos error 2\b/i,
  ),
  sig(
    'file.missing',
    'file_not_found',
    0.7,
    "not found|does not exist|doesn't exist|is missing|no such|open file|find file|read file|stat file|open the file|find the file|read the file|stat the file|cannot stat|cannot access",
    /\b(?:file|path|directory|folder) (?:not found|does not exist|doesn't exist|is missing)\b|\bno such (?:file|directory|path)\b|\b(?:File|Path|Directory) ['"]?\/[^\s'"]{0,255}['"]? (?:does not exist|not found|doesn't exist)\b|\b(?:could not|couldn't|unable to|failed to|cannot|can't) (?:open|find|read|stat) (?:the )?file\b|\bcannot stat\b|\bcannot access '/i,
  ),

  sig(
    'file.build-context',
    'file_not_found',
    0.8,
    '": not found',
    /"\/?[\w.@+-][^"\n]{0,254}": not found\b/,
  ),

  // ---------------------------------------------------------- app_crash
  sig(
    'crash.signal',
    'app_crash',
    0.9,
    'segmentation fault|segfault|sigsegv|sigabrt|sigbus|sigill|sigfpe|signal|core dumped|code=dumped|status=|exception_access_violation|0xc0000005|general protection|stack smashing|double free|free():|malloc():|terminate called|fatal error has been detected|fatal python error|unable to handle kernel|kernel panic|oops:|bug: |139|faulting application',
    /\bSegmentation fault\b|\bsegfault\b|\bSIG(?:SEGV|ABRT|BUS|ILL|FPE)\b|\bsignal (?:11|6|4|7|8)\b|\bcore dumped\b|\bcode=dumped\b|\bstatus=(?:11\/SEGV|6\/ABRT|7\/BUS|4\/ILL|8\/FPE)\b|\bEXCEPTION_ACCESS_VIOLATION\b|\b0xc0000005\b|\bgeneral protection fault\b|\bstack smashing detected\b|\bdouble free or corruption\b|\bfree\(\): invalid\b|\bmalloc\(\): |\bterminate called after throwing\b|\bA fatal error has been detected by the Java Runtime\b|\bFatal Python error\b|\bunable to handle kernel (?:NULL pointer dereference|paging request)\b|\bKernel panic\b|\bOops: \d{1,5}\b|\bBUG: |\b(?:exit(?:ed)?(?: with)?(?: code| status)?|exit ?code|status)[=: \t]{1,12}\(?139\b|\bFaulting application name\b/i,
  ),
  sig(
    'crash.panic',
    'app_crash',
    0.8,
    'panic|goroutine|fatal error: ',
    /\bpanic: |\bgoroutine \d{1,10} \[running\]|\bpanicked at\b|\bfatal error: (?:unexpected signal|concurrent map|all goroutines are asleep|stack overflow|runtime:)/i,
  ),
  sig(
    'crash.uncaught',
    'app_crash',
    0.65,
    'unhandled|uncaught|exception in thread|terminating|terminated unexpectedly|stopped working|genserver|crashed|state changed from|traceback|throw err|throw er',
    /\bunhandled (?:exception|error|rejection|promise rejection|'error' event)\b|\bUnhandled\w{0,20}(?:Rejection|Exception)\w{0,10}\b|\bunhandledRejection\b|\buncaught(?:Exception| (?:exception|error|\w{0,40}(?:Error|Exception)))\b|\bException in thread "[^"\n]{1,128}"|\bterminating (?:the )?app due to uncaught exception\b|\bterminated unexpectedly\b|\bhas stopped working\b|\bGenServer \S{1,128} terminating\b|\b(?:has |have |had |process |worker |server |app |application )crashed\b|\bState changed from \w{1,12} to crashed\b|\bTraceback \(most recent call last\)|^\s{0,8}throw (?:err|er|e|error);?\s*$/im,
  ),
  sig(
    'crash.programming-error',
    'app_crash',
    0.8,
    'nullpointer|nullreference|object reference not set|nil pointer|invalid memory address|index out of range|indexoutofbounds|classcastexception|arithmeticexception|concurrentmodification|stackoverflow|call stack size|recursionerror|recursion depth|zerodivision|divide by zero|division by zero|attributeerror|typeerror|referenceerror|nameerror|unboundlocalerror|nomethoderror|undefined method|call to undefined|call to a member function|assertion',
    /\bNullPointerException\b|\bNullReferenceException\b|\bObject reference not set to an instance\b|\bnil pointer dereference\b|\binvalid memory address\b|\bindex out of range\b|\b\w{0,20}IndexOutOfBounds\w{0,20}\b|\bClassCastException\b|\bArithmeticException\b|\bConcurrentModificationException\b|\bStackOverflow(?:Error|Exception)\b|\bMaximum call stack size exceeded\b|\bRecursionError\b|\bmaximum recursion depth exceeded\b|\bZeroDivisionError\b|\b(?:divide|division) by zero\b|\bAttributeError: |\bTypeError: |\bReferenceError: \S{1,128} is not defined\b|\bNameError: |\bUnboundLocalError\b|\bNoMethodError\b|\bundefined method [`'][^'\n]{1,64}' for nil\b|\bCall to (?:undefined (?:function|method)|a member function \S{1,64} on null)\b|\bAssertion [`'][^\n]{0,200}' failed\b|\bassertion failed\b|\bAssertionError\b/i,
  ),

  // ------------------------------------------------ db_connection_limit
  sig(
    'dbconn.too-many',
    'db_connection_limit',
    0.95,
    'too many connections|too many clients|remaining connection slots|max_connections|max_user_connections|er_con_count_error|max number of clients|maximum number of clients|connection limit|no more connections allowed|max_client_conn',
    /\btoo many (?:connections|clients(?: already)?)\b|\bremaining connection slots are reserved\b|\bexceeded the '?max_(?:user_)?connections\b|\bER_CON_COUNT_ERROR\b|\b(?:max|maximum) number of clients reached\b|\bconnection limit (?:exceeded|reached)\b|\bno more connections allowed\b|\bmax_client_conn\b/i,
  ),
  sig(
    'dbconn.pool',
    'db_connection_limit',
    0.9,
    'pool|pooled connections|acquiring a connection|acquire jdbc|connection is not available|timeout waiting for idle|queuepool limit|connectionacquiretimeout|waitqueue|wait queue|free connections|available connections|idle connections|acquire a connection|acquire connection|get a connection|obtain a connection|obtain connection|get connection',
    /\b(?:connection )?pool (?:is |has been |was )?(?:exhausted|full|saturated|timed out|timeout|limit reached)\b|\bobtaining a connection from the pool\b|\bmax pool size (?:was |has been )?reached\b|\ball pooled connections were in use\b|\bpool exhausted\b|\bTimeout acquiring a connection\b|ConnectionAcquireTimeout\w{0,10}|\bConnection is not available, request timed out\b|\bUnable to acquire JDBC Connection\b|\bCannot get a connection, pool error\b|\bTimeout waiting for idle object\b|\bQueuePool limit of size \d{1,6} overflow\b|\bcould not (?:obtain|acquire|get) (?:a )?(?:database |db |jdbc )?connection from (?:the )?pool\b|\bno (?:free|available|idle) connections?\b|WaitQueue(?:Full|Timeout)\w{0,10}|\bwait queue (?:is )?full\b|\b(?:timed out|timeout) (?:waiting |trying )?(?:to|for) (?:acquire|get|obtain|checkout) (?:a )?connection\b|\bKnexTimeoutError\b/i,
    ['timeout'],
  ),

  // -------------------------------------------------------- db_deadlock
  sig(
    'db.deadlock',
    'db_deadlock',
    0.95,
    'deadlock|ora-00060|er_lock|sqlite_busy|sqlite_locked|is locked|lock wait timeout|could not serialize|serializationfailure|serialization failure|lock timeout|could not obtain lock|lockacquisition|cannotacquirelock|locktimeout|40p01|40001',
    /\bdeadlock (?:detected|found)\b|\bDeadlock found when trying to get lock\b|\bdeadlock victim\b|\bwas deadlocked on\b|\bDeadlockLoser\w{0,30}\b|\bORA-00060\b|\bER_LOCK_(?:DEADLOCK|WAIT_TIMEOUT)\b|\bSQLITE_(?:BUSY|LOCKED)\b|\bdatabase (?:table )?is locked\b|\bLock wait timeout exceeded\b|\bcould not serialize access\b|\bSerialization ?Failure\b|\bcanceling statement due to lock timeout\b|\bcould not obtain lock on\b|\b(?:LockAcquisition|CannotAcquireLock|LockTimeout)Exception\b|\b40P01\b|\bSQLSTATE\[40001\]/i,
    ['timeout'],
  ),

  // ------------------------------------------------------- rate_limited
  sig(
    'rate.429',
    'rate_limited',
    0.9,
    '429|too many requests|toomanyrequests|too_many_requests',
    /\bToo Many Requests\b|\bTooManyRequests(?:Exception|Error)?\b|\btoomanyrequests\b|\bTOO_MANY_REQUESTS\b|\b(?:HTTP(?:\/\d(?:\.\d)?)?|status(?: ?code)?|code|error)[=: ]{1,3}429\b|\b(?:got|returned|response(?: code)?) 429\b|\bE429\b|\b429 \(Too Many/i,
    ['permission_denied', 'upstream_unavailable'],
  ),
  sig(
    'rate.limit',
    'rate_limited',
    0.9,
    'rate limit|rate-limit|ratelimit|rate_limit|rate exceeded|throttl|request rate|requestlimitexceeded|request rate is large|requestratetoolarge|rate_limit_error|provisionedthroughputexceeded|limiting requests',
    /\brate[- _]?limit(?:ed\b|s? (?:exceeded|reached|hit)\b)|\brate_?limit_exceeded\b|\bRateLimit(?:Exceeded|Error|Exception)\b|\b(?:user)?RateLimitExceeded\b|\bRate exceeded\b|\bexceeded (?:the |your |a )?(?:secondary )?rate limit\b|\brequest rate (?:is )?too high\b|\breduce your request rate\b|\b(?<!cpu )Throttl(?:ing|ed)(?:Exception|Error)?\b|\brequests? (?:was |were |are |is )?(?:being )?throttled\b|\bRequestLimitExceeded\b|\bRequest rate is large\b|\bRequestRateTooLarge\b|\brate_limit_error\b|\bProvisionedThroughputExceeded(?:Exception)?\b|\blimiting requests, excess\b/i,
    ['permission_denied', 'quota_exceeded', 'upstream_unavailable'],
  ),
  sig('rate.slow-down', 'rate_limited', 0.9, 'slowdown', /\bSlowDown\b/),

  // ----------------------------------------------- upstream_unavailable
  sig(
    'upstream.http',
    'upstream_unavailable',
    0.85,
    'bad gateway|service unavailable|service temporarily unavailable|serviceunavailable|502|503',
    /\bBad Gateway\b|\bService (?:Temporarily )?Unavailable\b|\bServiceUnavailable(?:Exception|Error)?\b|\b(?:HTTP(?:\/\d(?:\.\d)?)?|status(?: ?code)?|code|error)[=: ]{1,3}50[23]\b|\b(?:got|returned|response(?: code)?) 50[23]\b|\bE50[23]\b/i,
  ),
  sig(
    'upstream.proxy',
    'upstream_unavailable',
    0.9,
    'healthy upstream|upstream connect error|reset before headers|no endpoints available|no server is available|no live upstreams|no available|no healthy|all backends|all upstreams|all servers|all hosts|upstream|backend|temporarily unable to service|unable to handle the request|circuit|callnotpermitted|short-circuited|available server',
    /\bno healthy upstream\b|\bupstream connect error\b|\bdisconnect\/reset before headers\b|\bno endpoints available for service\b|\bNo server is available to handle this request\b|\bno live upstreams\b|\bno (?:available|healthy) (?:servers?|backends?|upstreams?|instances?|hosts?|targets?|endpoints?)\b|\ball (?:backends|upstreams|servers|hosts) (?:are )?(?:down|unavailable|unhealthy)\b|\b(?:upstream|backend) (?:server |service )?(?:is )?(?:unavailable|down|not available)\b|\btemporarily unable to service your request\b|\bserver is currently unable to handle the request\b|\bcircuit ?breaker (?:is )?open\b|\bCircuitBreakerOpen\w{0,12}\b|\bCircuitBreaker '[^'\n]{1,64}' is OPEN\b|\bCallNotPermittedException\b|\bshort-circuited\b|\bdoes not have available server\b/i,
    ['connection_reset'],
  ),
  sig(
    'upstream.unix-socket',
    'upstream_unavailable',
    0.85,
    'connect() to unix:|has no server available',
    /\bconnect\(\) to unix:\S{1,255} failed\b|\bhas no server available\b/i,
    ['file_not_found', 'connection_refused', 'permission_denied'],
  ),
  sig(
    'upstream.grpc',
    'upstream_unavailable',
    0.65,
    'unavailable',
    /\bcode = Unavailable\b|\bStatusCode\.UNAVAILABLE\b|\bUNAVAILABLE: /,
  ),
  sig(
    'upstream.datastores',
    'upstream_unavailable',
    0.8,
    "can't reach database server|service is|communications link failure|web server is down|broker may not be available|no brokers available|nobrokersavailable|leader_not_available|nohostavailable|all host(s) tried|nonodeavailable|no living connections|clusterdown|masterdown|redis is loading|database system is",
    /\bCan't reach database server\b|\bservice is (?:currently |temporarily )?unavailable\b|\bCommunications link failure\b|\bWeb server is down\b|\bBroker may not be available\b|\bNo ?Brokers ?Available\b|\bLEADER_NOT_AVAILABLE\b|\bNoHostAvailable\w{0,12}\b|\bAll host\(s\) tried for query failed\b|\bNoNodeAvailable\w{0,12}\b|\bNo living connections\b|\bCLUSTERDOWN\b|\bMASTERDOWN\b|\bRedis is loading the dataset\b|\bthe database system is (?:starting up|shutting down|in recovery mode|not yet accepting connections)\b/i,
  ),

  // ----------------------------------------------------- quota_exceeded
  sig(
    'quota.exceeded',
    'quota_exceeded',
    0.9,
    'quota',
    /\bexceeded quota\b|\bfailed quota\b|\bquota (?:has been |was )?(?:exceeded|reached|exhausted)\b|\bQuotaExceeded\w{0,20}\b|\bQUOTA_EXCEEDED\b|\bexceeds? (?:the |your )?(?:[\w-]{1,20} )?quota\b|\bexceeding (?:approved |the )?[\w ]{0,40}quota\b|\binsufficient[_ ]quota\b|\bexceeded your current quota\b|\bover quota\b|\bout of quota\b|\bQuota '[^'\n]{1,64}' exceeded\b/i,
    ['permission_denied', 'rate_limited'],
  ),
  sig(
    'quota.addresses',
    'quota_exceeded',
    0.7,
    'ip address|ip addresses|insufficientfreeaddresses',
    /\bfailed to (?:assign|allocate) (?:an )?IP address\b|\bno (?:free |available )?IP addresses? (?:available|left)\b|\bInsufficientFreeAddressesInSubnet\b/i,
  ),
  sig(
    'quota.limit-exceeded',
    'quota_exceeded',
    0.85,
    'limitexceeded|limit exceeded|toomanybuckets',
    /\b(?!Request|Rate)[A-Z][A-Za-z]{0,40}LimitExceeded(?:Exception)?\b|\bLimitExceeded(?:Exception)?\b|\blimit exceeded for (?:resource|account|project|subscription)\b|\bTooManyBuckets\b|\bService(?:Quota|Limit)Exceeded\w{0,10}\b/,
  ),
];
