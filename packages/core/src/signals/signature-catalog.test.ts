import { describe, expect, it } from 'vitest';
import { CATEGORIES, type FailureCategory } from '../domain/categories.js';
import { SIGNATURES } from './signature-catalog.js';
import { indexCatalog, matchCues } from './signature-index.js';

/** Lines each signature must recognise, worded by different systems. */
const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  'oom.killed': [
    '      Reason:       OOMKilled',
    'Warning  OOMKilling  Memory cgroup out of memory',
  ],
  'oom.kernel-killer': [
    'kernel: java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0',
    'kernel: oom_reaper: reaped process 4411 (node), now anon-rss:0kB',
  ],
  'oom.out-of-memory': [
    'kernel: Out of memory: Killed process 1234 (mysqld)',
    'fatal error: runtime: out of memory',
    'CUDA_ERROR_OUT_OF_MEMORY: out of memory',
  ],
  'oom.managed-runtime': [
    'java.lang.OutOfMemoryError: GC overhead limit exceeded',
    'System.OutOfMemoryException: Insufficient memory to continue the execution of the program.',
  ],
  'oom.js-heap': [
    'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    'FATAL ERROR: CALL_AND_RETRY_LAST Allocation failed - process out of memory',
  ],
  'oom.cannot-allocate': [
    'fork: Cannot allocate memory',
    'ERROR: could not allocate memory for shared memory segment',
    'numpy.core._exceptions._ArrayMemoryError: Unable to allocate 3.5 GiB for an array',
    'There is insufficient memory for the Java Runtime Environment to continue.',
  ],
  'oom.python': ['MemoryError'],
  'oom.bad-alloc': ["terminate called after throwing an instance of 'std::bad_alloc'"],
  'oom.memory-limit': [
    'Container [pid=4411,containerID=c_01] is running beyond physical memory limits. Current usage: 2.1 GB of 2 GB physical memory used; Killing container.',
    'Memory limit of 512 MiB exceeded with 530 MiB used. Consider increasing the memory limit.',
    'Error R14 (Memory quota exceeded)',
  ],
  'oom.tensor': ['ResourceExhaustedError: OOM when allocating tensor with shape[8192,8192]'],
  'oom.short': ["OOM command not allowed when used memory > 'maxmemory'."],
  'oom.memory-pressure': [
    'Warning  Evicted  The node was low on resource: memory. Container app was using 3Gi',
    'node/worker-1 status is now: NodeHasInsufficientMemory',
  ],
  'oom.circuit-breaker': [
    '[parent] Data too large, data for [<http_request>] would be [1020000000/972.7mb], which is larger than the limit',
    'CircuitBreakingException[[parent] Data too large]',
  ],
  'oom.exit-137': [
    'Container killed on request. Exit code is 137',
    'Error: Command failed with signal "SIGKILL"',
    '      Exit Code:    137',
    'app_1 exited with code 137',
    'Exited (137) 3 minutes ago',
  ],
  'oom.killed-line': [
    'Killed',
    './train.sh: line 12:  4411 Killed                  python train.py',
  ],

  'oom.runtime-killed': ['Error: Runtime exited with error: signal: killed'],
  'oom.compiler-killed': ['g++: fatal error: Killed signal terminated program cc1plus'],
  'disk.etcd-space': ['etcdserver: mvcc: database space exceeded'],
  'disk.no-space': [
    'write /var/lib/docker/tmp/GetImageBlob: no space left on device',
    "OSError: [Errno 28] No space left on device: '/tmp/x'",
    "Error writing file '/tmp/MYfd=42' (Errcode: 28 - No space left on device)",
  ],
  'disk.quota': ['cp: error writing /home/u/big.iso: Disk quota exceeded'],
  'disk.is-full': [
    'sqlite3.OperationalError: database or disk is full',
    "ERROR 1114 (HY000): The table 'events' is full",
    'The filesystem is full',
    'Filesystem /var/lib/docker is 100% full',
  ],
  'disk.out-of-space': [
    'There is not enough space on the disk.',
    'java.io.IOException: Not enough disk space to write the segment',
    'Insufficient Storage',
    'ERROR: ran out of disk space while writing /var/cache/build',
  ],
  'disk.pressure': [
    'Warning  EvictionThresholdMet  Attempting to reclaim nodefs',
    'The node was low on resource: [DiskPressure].',
    'Node worker-2 status is now: NodeHasDiskPressure',
  ],
  'disk.inodes': ['mkdir: cannot create directory: no free inodes', 'inode exhaustion on /var'],
  'disk.watermark': [
    'blocked by: [FORBIDDEN/12/index read-only / allow delete (api)];',
    'high disk watermark [90%] exceeded on [node-1]',
  ],
  'disk.thin-pool': [
    'devmapper: Thin Pool has 1024 free data blocks which is less than minimum required 163840 free data blocks',
  ],

  'fd.too-many-open': [
    'accept tcp [::]:8080: accept4: too many open files',
    "Error: EMFILE, open '/srv/app/x.js'",
    'OSError: [Errno 24] Too many open files',
  ],
  'fd.descriptors': [
    'ERROR: out of file descriptors',
    'kernel: VFS: file-max limit 65536 reached',
    '[alert] 1024 worker_connections are not enough',
  ],
  'fd.watchers': [
    'Error: ENOSPC: System limit for number of file watchers reached',
    'failed to create fsnotify watcher: inotify_init: too many open files',
  ],

  'refused.connection': [
    'org.postgresql.util.PSQLException: Connection to localhost:5432 refused. Check that the hostname and port are correct',
    'dial tcp 10.0.0.5:6379: connect: connection refused',
    'connect ECONNREFUSED 127.0.0.1:5432',
    'ConnectionRefusedError: [Errno 111] Connection refused',
    'No connection could be made because the target machine actively refused it.',
  ],
  'refused.mysql': [
    "ERROR 2003 (HY000): Can't connect to MySQL server on 'db' (111)",
    "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/run/mysqld/mysqld.sock' (2)",
    "curl: (7) Failed to connect to localhost port 9200 after 0 ms: Couldn't connect to server",
  ],
  'refused.socket-missing': [
    'GET http://localhost:3000/ net::ERR_CONNECTION_REFUSED',
    'psql: error: connection to server on socket "/tmp/.s.PGSQL.5432" failed: No such file or directory',
    'could not connect to server: No such file or directory',
  ],
  'refused.docker-daemon': [
    'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
  ],
  'refused.unreachable': ['dial tcp 10.3.0.1:443: connect: no route to host'],

  'reset.peer': [
    'read tcp 10.0.0.1:5432->10.0.0.2:41234: read: connection reset by peer',
    'Error: read ECONNRESET',
    'java.net.SocketException: Connection reset',
    'An existing connection was forcibly closed by the remote host',
  ],
  'reset.pipe': ['write: broken pipe', 'BrokenPipeError: [Errno 32] Broken pipe'],
  'reset.hang-up': ['Error: socket hang up'],
  'reset.browser': ['net::ERR_CONNECTION_RESET', 'net::ERR_EMPTY_RESPONSE'],
  'reset.closed': [
    'upstream prematurely closed connection while reading response header from upstream',
    'ERROR 2013 (HY000): Lost connection to MySQL server during query',
    'kex_exchange_identification: Connection closed by remote host',
    'psycopg2.OperationalError: SSL SYSCALL error: EOF detected',
  ],
  'reset.hung-up': [
    'fatal: the remote end hung up unexpectedly',
    'curl: (52) Empty reply from server',
    'fatal: early EOF',
  ],
  'reset.eof': [
    'Post "https://api/v1": unexpected EOF',
    'rpc error: code = Unavailable desc = transport is closing',
  ],

  'timeout.errno': ['Error: connect ETIMEDOUT 10.0.0.1:443', 'Error: ESOCKETTIMEDOUT'],
  'timeout.deadline': [
    'context deadline exceeded',
    'rpc error: code = DeadlineExceeded desc = deadline exceeded',
    'StatusCode.DEADLINE_EXCEEDED',
  ],
  'timeout.timed-out': [
    'ssh: connect to host 10.0.0.4 port 22: Connection timed out',
    'socket.timeout: timed out',
    'net::ERR_TIMED_OUT',
  ],
  'timeout.exception': [
    'java.util.concurrent.TimeoutException: Waited 30 seconds',
    'asyncio.exceptions.TimeoutError',
    'requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host=x)',
    'net/http: request canceled (Client.Timeout exceeded while awaiting headers)',
    'dial tcp 10.0.0.1:443: i/o timeout',
    'net/http: TLS handshake timeout',
  ],
  'timeout.gateway': [
    '<center><h1>504 Gateway Time-out</h1></center>',
    'HTTP/1.1 504',
    'status=504',
  ],
  'timeout.execution': [
    'PHP Fatal error:  Maximum execution time of 30 seconds exceeded',
    'Net::OpenTimeout: execution expired',
    'ERROR: Job failed: execution took longer than 1h0m0s seconds',
    'Error: Timeout of 2000ms exceeded.',
    'page.click: Timeout 30000ms exceeded.',
    'at=error code=H12 desc="Request timeout" method=GET',
    'The service did not respond to the start or control request in a timely fashion.',
  ],

  'dns.codes': [
    'getaddrinfo ENOTFOUND api.stripe.com',
    'Error: getaddrinfo EAI_AGAIN registry.npmjs.org',
    'socket.gaierror: [Errno -2] Name or service not known',
    'status: NXDOMAIN',
  ],
  'dns.phrases': [
    'dial tcp: lookup db on 10.96.0.10:53: no such host',
    'java.net.UnknownHostException: kafka-1',
    'could not translate host name "postgres" to address: Temporary failure in name resolution',
    'ping: unknown host example.internal',
    'urllib3.exceptions.NameResolutionError: Failed to resolve',
    "The remote name could not be resolved: 'api.example.com'",
  ],
  'dns.could-not-resolve': [
    'ssh: Could not resolve hostname bastion: Name or service not known',
    'sudo: unable to resolve host web-01: Name or service not known',
    "Failed to resolve 'api.partner.example' ([Errno -3] Temporary failure)",
  ],
  'dns.resolver-query': [
    '[ERROR] plugin/errors: 2 api.example.com. A: read udp 10.244.0.3:45000->8.8.8.8:53: i/o timeout',
    "nslookup: can't resolve 'kubernetes.default'",
    "** server can't find db.internal: NXDOMAIN",
  ],
  'dns.go-lookup': [
    'lookup kube-dns.kube-system.svc on 10.96.0.10:53: read udp 10.1.0.4:50112->10.96.0.10:53: i/o timeout',
  ],

  'tls.x509': ['x509: certificate has expired or is not yet valid'],
  'tls.certificate': [
    'SSL: CERTIFICATE_VERIFY_FAILED',
    'curl: (60) SSL certificate problem: unable to get local issuer certificate',
    "Hostname/IP does not match certificate's altnames: Host: a.example. is not in the cert's altnames",
    "javax.net.ssl.SSLPeerUnverifiedException: Certificate for <api> doesn't match any of the subject alternative names",
    'java.security.cert.CertificateExpiredException: NotAfter: Mon Jan 01 00:00:00 UTC 2024',
    'server certificate verification failed. CAfile: /etc/ssl/certs/ca-certificates.crt',
  ],
  'tls.handshake': [
    'ssl.SSLError: [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1007)',
    '[SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version',
    'javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure',
    'error:14094410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure',
    'remote error: tls: unknown certificate authority',
    'http: TLS handshake error from 10.0.0.1:4431: tls: first record does not look like a TLS handshake',
  ],

  'tls.setup': [
    'http: server gave HTTP response to HTTPS client',
    'SSL_CTX_use_certificate: cannot load certificate "/etc/ssl/app.pem"',
    'unable to obtain ACME certificate for domains "app.example.com"',
  ],
  'auth.http-401': ['HTTP/1.1 401 Unauthorized', 'npm ERR! code E401', 'status code: 401'],
  'auth.bad-credentials': [
    '{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}',
    'Invalid username or password.',
    'invalid_grant: Token has been expired or revoked.',
    'Incorrect API key provided: sk-abc***',
  ],
  'auth.failed': [
    'FATAL:  password authentication failed for user "app"',
    "fatal: Authentication failed for 'https://gitlab.example.com/acme/infra.git/'",
    'pam_unix(sshd:auth): authentication failure; logname= uid=0',
    'rpc error: code = Unauthenticated desc = invalid token',
    'unauthorized: authentication required',
  ],
  'auth.mysql-access': ["Access denied for user 'root'@'localhost' (using password: NO)"],
  'auth.login': [
    "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
    "Login failed for user 'sa'. Reason: Password did not match that for the login provided.",
    'FATAL:  no pg_hba.conf entry for host "10.1.2.3", user "app", database "app", SSL off',
    'Host key verification failed.',
  ],
  'auth.missing-role': ['FATAL:  role "app" does not exist'],
  'auth.ssh-publickey': ['git@gitlab.com: Permission denied (publickey,keyboard-interactive).'],
  'auth.token-expired': [
    'TokenExpiredError: jwt expired',
    'ExpiredTokenException: The security token included in the request is expired',
  ],
  'auth.cloud': [
    'An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation',
    'botocore.exceptions.NoCredentialsError: Unable to locate credentials',
    'google.auth.exceptions.DefaultCredentialsError: Could not automatically determine credentials',
    'AADSTS7000215: Invalid client secret provided.',
    'NOAUTH Authentication required.',
    'WRONGPASS invalid username-password pair or user is disabled.',
  ],

  'perm.denied': [
    'bash: ./deploy.sh: Permission denied',
    "Error: EACCES: permission denied, mkdir '/usr/lib/node_modules/x'",
    'chown: changing ownership of /data: Operation not permitted',
    'AccessDeniedException: User is not authorized',
  ],
  'perm.http-403': [
    'HTTP/1.1 403 Forbidden',
    'npm ERR! code E403',
    'Error from server (Forbidden): nodes',
  ],
  'perm.rbac': [
    'pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods"',
  ],
  'perm.not-authorized': [
    'remote: Permission to acme/infra.git denied to deploy-bot.',
    'denied: Permission "artifactregistry.repositories.downloadArtifacts" denied on resource',
    'ResponseError: code=403, message=Required "container.clusters.get" permission(s) for "projects/x"',
    'User: arn:aws:iam::123:user/ci is not authorized to perform: s3:GetObject',
    "The client 'x' with object id 'y' does not have authorization to perform action 'Microsoft.Resources/deployments/write'",
    "ERROR 1142 (42000): SELECT command denied to user 'ro'@'%' for table 'salaries'",
    'ERROR:  must be owner of table accounts',
    'UnauthorizedOperation: You are not authorized to perform this operation.',
  ],
  'perm.os-policy': [
    'type=AVC msg=audit(1715000000.123:412): avc:  denied  { write } for pid=411 comm="nginx"',
    'alice is not in the sudoers file.  This incident will be reported.',
    'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied) are you root?',
    "OSError: [Errno 30] Read-only file system: '/app/cache'",
    'denied: requested access to the resource is denied',
  ],

  'crashloop.k8s': [
    'api-6b7c9d-x2x   0/1   CrashLoopBackOff   7   12m',
    'back-off 5m0s restarting failed container=app pod=app-0_ns(uid)',
  ],
  'crashloop.restart-limit': [
    'Back-off: container worker restarted 12 times',
    'Essential container in task exited',
    'systemd[1]: nginx.service: Start request repeated too quickly.',
    'INFO gave up: celery entered FATAL state, too many start retries too quickly',
    'PM2 | Script /app/index.js had too many unstable restarts (16). Stopped. "errored"',
    'systemd[1]: app.service: Scheduled restart job, restart counter is at 12.',
  ],
  'crashloop.restarting-state': [
    'web_1   /docker-entrypoint.sh   Restarting',
    'Up Less than a second (health: starting)\nRestarting (1) 10 seconds ago',
    '    Restart Count:  23',
  ],

  'image.k8s': [
    'Warning  Failed  kubelet  Error: ErrImagePull',
    'Normal  BackOff  kubelet  Back-off pulling image "nginx:1.99"',
    'web-0   0/1   ImagePullBackOff   0   1m',
    'Error: InvalidImageName',
  ],
  'image.pull-failed': [
    'Error: image acme/tools:9.9 not found',
    'Failed to pull image "ghcr.io/acme/app:v2": rpc error: code = NotFound',
    'Error response from daemon: manifest for acme/app:v9 not found: manifest unknown: manifest unknown',
    'Error response from daemon: pull access denied for acme/app, repository does not exist',
    'no matching manifest for linux/arm64/v8 in the manifest list entries',
    'Error: No such image: acme/app:latest',
  ],

  'sched.k8s': [
    '0/3 nodes are available: persistentvolumeclaim "data-db-0" not found.',
    "Warning  FailedScheduling  0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
    '0/6 nodes are available: 6 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }',
    "pod didn't trigger scale-up: 2 max node group size reached",
  ],
  'sched.insufficient': [
    '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
    'Insufficient cpu',
  ],
  'sched.capacity': [
    'could not schedule pod, incompatible with nodepool "default", daemonset overhead={"cpu":"150m"}',
    "Pod was rejected: Node didn't have enough resource: cpu, requested: 2000, used: 3500, capacity: 4000",
    "The zone 'projects/x/zones/europe-west1-b' does not have enough resources available to fulfill the request.",
    'An error occurred (InsufficientInstanceCapacity) when calling the RunInstances operation',
  ],
  'sched.other-orchestrators': [
    'no suitable node (scheduling constraints not satisfied on 3 nodes)',
    'service api was unable to place a task because no container instance met all of its requirements.',
    'Dimension "memory" exhausted on 2 nodes',
  ],

  'probe.k8s': [
    'Liveness probe failed: Get "http://10.1.1.1:8080/health": context deadline exceeded',
    'Startup probe failed: HTTP probe failed with statuscode: 500',
    'Container api failed liveness probe, will be restarted',
  ],
  'probe.health-check': [
    'Health check exceeded timeout (30s)',
    'Health check failed: GET /health returned 500',
    'Task failed ELB health checks in (target-group arn:aws:...)',
    "Check is now critical: service 'web' check 'http'",
  ],
  'probe.unhealthy': [
    'Warning  Unhealthy  kubelet  Readiness probe errored',
    'container web is unhealthy',
  ],

  'port.in-use': [
    'listen tcp :8080: bind: address already in use',
    'Error: listen EADDRINUSE: address already in use :::3000',
    'Bind for 0.0.0.0:5432 failed: port is already allocated',
    'Only one usage of each socket address (protocol/network address/port) is normally permitted.',
    'Port 3000 is already in use',
  ],
  'port.bind': ['make_sock: could not bind to address [::]:80'],

  'config.invalid': [
    'django.core.exceptions.ImproperlyConfigured: The SECRET_KEY setting must not be empty.',
    'nginx: configuration file /etc/nginx/nginx.conf test failed',
    'invalid configuration: no configuration has been provided',
  ],
  'config.load': [
    'Error: failed to load config file /etc/app.toml',
    'error parsing configuration: unexpected token',
    'could not read settings file',
  ],
  'config.directive': [
    'nginx: [emerg] unknown directive "proxy_passs" in /etc/nginx/conf.d/app.conf:7',
    'nginx: [emerg] invalid number of arguments in "listen" directive',
    '*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nBad directive or wrong number of arguments',
  ],
  'config.emerg': ['nginx: [emerg] "server" directive is not allowed here'],
  'config.yaml': [
    'error converting YAML to JSON: yaml: line 7: mapping values are not allowed in this context',
    'yaml.scanner.ScannerError: while scanning a simple key',
  ],
  'config.environment': [
    'Error: environment variable REDIS_URL is not set',
    'error: Environment variable not found: DATABASE_URL.',
  ],
  'config.environment-name': ['SECRET_KEY must be set', '    token = os.environ["API_TOKEN"]'],
  'config.env-keyerror': ["KeyError: 'STRIPE_API_KEY'"],
  'config.options': [
    'flag provided but not defined: -listen',
    "Unrecognized VM option 'UseConcMarkSweepGC'",
    "mysqld: [ERROR] unknown variable 'innodb_buffer_pool_sizee=1G'.",
  ],
  'config.cli-value': ['Error: Invalid value for "--port": "abc" is not a valid integer.'],
  'config.frameworks': [
    `Could not resolve placeholder 'db.url' in value "\${db.url}"`,
    "Failed to configure a DataSource: 'url' attribute is not specified",
    'Error: configmap "app-config" not found',
    'services.web Additional property enviroment is not allowed',
  ],
  'config.platform': [
    'no matches for kind "Ingress" in version "extensions/v1beta1"',
    'Error: container has runAsNonRoot and image will run as root',
    'Are you trying to mount a directory onto a file (or vice-versa)?',
  ],
  'config.database-name': [
    'FATAL:  database "orders" does not exist',
    "ERROR 1049 (42000): Unknown database 'shop'",
  ],
  'config.field-value': ['spec.template.spec.containers[0].image: Required value'],

  'dep.node': [
    "Error: Cannot find module '@nestjs/core'",
    "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'zod' imported from /app/index.js",
    "Module not found: Error: Can't resolve './Button' in '/app/src'",
  ],
  'dep.resolution': [
    'npm ERR! ERESOLVE unable to resolve dependency tree',
    'npm ERR! Could not resolve dependency:',
  ],
  'dep.python': [
    'ImportError: No module named yaml',
    "ImportError: cannot import name 'soft_unicode' from 'markupsafe'",
    'ImportError: DLL load failed while importing _ssl: The specified module could not be found.',
  ],
  'dep.jvm': [
    'Error: Could not find or load main class com.acme.Main',
    "java.lang.NoSuchMethodError: 'void org.yaml.snakeyaml.Yaml.<init>()'",
  ],
  'dep.executable': [
    'bash: kubectl: command not found',
    "'python' is not recognized as an internal or external command,",
    'Error: spawn git ENOENT',
    "/usr/bin/env: 'node': No such file or directory",
    'exec /entrypoint.sh: bad interpreter',
  ],
  'dep.shared-library': [
    'error: linker `cc` not found',
    'ImportError: libGL.so.1: cannot open shared object file: No such file or directory',
    'dyld[812]: Library not loaded: /opt/homebrew/opt/icu4c/lib/libicuio.73.dylib',
    "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found",
    '/usr/bin/ld: cannot find -lssl',
  ],
  'dep.packages': [
    'ERROR: Could not find a version that satisfies the requirement torch==2.9.9',
    'E: Unable to locate package python3.13-venv',
    'npm ERR! 404 Not Found - GET https://registry.npmjs.org/@acme%2finternal',
    "Could not find gem 'rails (~> 7.1)' in locally installed gems.",
    '[ERROR] Failed to execute goal on project api: Could not resolve dependencies for project com.acme:api:jar:1.0',
    'main.go:5:2: no required module provides package github.com/acme/lib; to add it:',
    'src/main.c:1:10: fatal error: openssl/ssl.h: No such file or directory',
  ],

  'file.enoent': [
    "Error: ENOENT: no such file or directory, stat '/app/public/index.html'",
    'java.io.FileNotFoundException: /etc/app/app.properties (No such file or directory)',
    'The system cannot find the file specified.',
  ],
  'file.missing': [
    'Error: File /var/data/import.csv does not exist',
    'error: path not found',
    'tar: could not open file: archive.tar',
  ],

  'file.build-context': [
    'ERROR: failed to solve: failed to compute cache key: "/app/requirements.txt": not found',
  ],
  'crash.signal': [
    'Segmentation fault (core dumped)',
    'kernel: traps: php-fpm[4411] general protection fault ip:7f sp:7ffd error:0 in libc.so.6',
    'systemd[1]: app.service: Main process exited, code=dumped, status=11/SEGV',
    '# A fatal error has been detected by the Java Runtime Environment:\n#  SIGSEGV (0xb) at pc=0x00007f',
    'Fatal Python error: Segmentation fault',
    'Faulting application name: app.exe, version: 1.0.0.0',
    'exited with code 139',
  ],
  'crash.panic': [
    'panic: runtime error: index out of range [3] with length 3',
    'goroutine 1 [running]:',
    "thread 'tokio-runtime-worker' panicked at 'called `Result::unwrap()` on an `Err` value'",
    'fatal error: concurrent map writes',
  ],
  'crash.uncaught': [
    'heroku[web.1]: State changed from up to crashed',
    'Exception in thread "main" java.lang.IllegalStateException: not initialised',
    'PHP Fatal error:  Uncaught Error: Call to undefined function mysql_connect()',
    '(node:1) UnhandledPromiseRejectionWarning: Error: boom',
    'Traceback (most recent call last):',
    '** (EXIT) GenServer MyApp.Worker terminating',
    'uncaught exception: Error: invariant violated',
  ],
  'crash.programming-error': [
    'java.lang.NullPointerException',
    'System.NullReferenceException: Object reference not set to an instance of an object.',
    'panic: runtime error: invalid memory address or nil pointer dereference',
    "TypeError: Cannot read properties of null (reading 'id')",
    'ZeroDivisionError: division by zero',
    "undefined method `name' for nil:NilClass (NoMethodError)",
    'RangeError: Maximum call stack size exceeded',
  ],

  'dbconn.too-many': [
    'FATAL:  sorry, too many clients already',
    'FATAL:  remaining connection slots are reserved for roles with the SUPERUSER attribute',
    'ERR max number of clients reached',
    "User 'app' has exceeded the 'max_user_connections' resource (current value: 20)",
  ],
  'dbconn.pool': [
    'HikariPool-1 - Connection is not available, request timed out after 30000ms.',
    'SequelizeConnectionAcquireTimeoutError: Operation timeout',
    'org.apache.commons.dbcp.SQLNestedException: Cannot get a connection, pool error Timeout waiting for idle object',
    'psycopg2.pool.PoolError: connection pool exhausted',
    'MongoWaitQueueFullError: Too many operations already waiting for a connection',
  ],
  'db.deadlock': [
    'ERROR:  deadlock detected',
    'ORA-00060: deadlock detected while waiting for resource',
    'ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction',
    'SQLITE_BUSY: database is locked',
    'ERROR:  canceling statement due to lock timeout',
  ],

  'rate.429': ['HTTP/2 429', 'status code: 429', 'Error: 429 Too Many Requests'],
  'rate.limit': [
    'Request rate is large. More Request Units may be needed',
    "anthropic.RateLimitError: {'type': 'error', 'error': {'type': 'rate_limit_error'}}",
    'API rate limit exceeded for 203.0.113.7.',
    'ThrottlingException: Rate exceeded',
    'An error occurred (RequestLimitExceeded) when calling the DescribeInstances operation',
    'ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded.',
    'You have exceeded a secondary rate limit.',
  ],
  'rate.slow-down': ['An error occurred (SlowDown) when calling the PutObject operation'],

  'upstream.http': [
    '<html><head><title>502 Bad Gateway</title></head>',
    'HTTP/1.1 503 Service Unavailable',
    'upstream returned status=503',
  ],
  'upstream.proxy': [
    'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
    '[error] no live upstreams while connecting to upstream',
    'No server is available to handle this request.',
    'Error from server (ServiceUnavailable): the server is currently unable to handle the request (get pods.metrics.k8s.io)',
    "io.github.resilience4j.circuitbreaker.CallNotPermittedException: CircuitBreaker 'inventory' is OPEN",
  ],
  'upstream.unix-socket': [
    'connect() to unix:/var/run/php-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream',
    "[ALERT] backend 'api' has no server available!",
  ],
  'upstream.grpc': [
    'rpc error: code = Unavailable desc = name resolver error: produced zero addresses',
  ],
  'upstream.datastores': [
    'An error occurred (ServiceUnavailable): The service is unavailable. Please try again shortly.',
    'com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure',
    'Error 521: Web server is down',
    'kafka.errors.NoBrokersAvailable: NoBrokersAvailable',
    'FATAL:  the database system is starting up',
    'CLUSTERDOWN The cluster is down',
  ],

  'quota.exceeded': [
    'pods "x" is forbidden: exceeded quota: team-quota, requested: pods=1, used: pods=10, limited: pods=10',
    "QuotaExceeded: Quota exceeded for quota metric 'Queries' and limit 'Queries per day'",
    'Operation results in exceeding quota limits of Core. Maximum allowed: 4, Current in use: 4',
  ],
  'quota.addresses': [
    'failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254',
    'InsufficientFreeAddressesInSubnet: There are not enough free addresses in subnet',
  ],
  'quota.limit-exceeded': [
    'An error occurred (VcpuLimitExceeded) when calling the RunInstances operation',
    'LimitExceededException: Cannot exceed quota for PoliciesPerUser: 10',
    'TooManyBuckets: You have attempted to create more buckets than allowed',
  ],
};

describe('signature catalog', () => {
  const index = indexCatalog(SIGNATURES);

  it('covers every failure category of the contract', () => {
    const covered = new Set(SIGNATURES.map((s) => s.category));
    const failureCategories = CATEGORIES.filter((c) => c !== 'unknown' && c !== 'none');
    expect(failureCategories.filter((c) => !covered.has(c as FailureCategory))).toEqual([]);
  });

  it('has unique ids, weights in 0..1, lower-case anchors and no global flag', () => {
    expect(new Set(SIGNATURES.map((s) => s.id)).size).toBe(SIGNATURES.length);
    for (const s of SIGNATURES) {
      expect(s.weight, s.id).toBeGreaterThan(0);
      expect(s.weight, s.id).toBeLessThanOrEqual(1);
      expect(s.anchors.length, s.id).toBeGreaterThan(0);
      for (const a of s.anchors) expect(a, s.id).toBe(a.toLowerCase());
      expect(s.pattern.global || s.pattern.sticky, s.id).toBe(false);
    }
  });

  it('has examples for every signature', () => {
    expect(SIGNATURES.map((s) => s.id).filter((id) => !EXAMPLES[id])).toEqual([]);
  });

  for (const s of SIGNATURES) {
    it(`${s.id} recognises its examples through the prefilter`, () => {
      for (const example of EXAMPLES[s.id] ?? []) {
        expect(s.pattern.test(example), `${s.id} pattern: ${example}`).toBe(true);
        const found = matchCues(example, index).map((m) => m.signatureId);
        expect(found, `${s.id} via prefilter: ${example}`).toContain(s.id);
      }
    });
  }

  it('routes every pattern match through an anchor (anchors cover the alternatives)', () => {
    // Any example of any signature: a signature whose pattern matches it
    // must also be reached by the prefilter.
    const all = Object.values(EXAMPLES).flat();
    for (const text of all) {
      const viaIndex = new Set(matchCues(text, index).map((m) => m.signatureId));
      for (const s of SIGNATURES) {
        if (!s.pattern.test(text)) continue;
        const suppressed = SIGNATURES.some(
          (x) => x !== s && x.suppresses?.includes(s.category) && x.pattern.test(text),
        );
        if (!suppressed) expect(viaIndex.has(s.id), `${s.id} on: ${text}`).toBe(true);
      }
    }
  });

  it('ignores negated and zero-valued mentions', () => {
    expect(matchCues('healthy=3 unhealthy=0', index)).toEqual([]);
    expect(matchCues('no OOMKilled containers in the last hour', index)).toEqual([]);
    expect(matchCues('oom_kill 0', index)).toEqual([]);
    expect(matchCues('3 healthy, 0 unhealthy', index)).toEqual([]);
  });

  it('lets a probe failure explain the network error it quotes, on the same line only', () => {
    const same = matchCues(
      'Readiness probe failed: Get "http://10.0.0.1:80/": dial tcp 10.0.0.1:80: connect: connection refused',
      index,
    );
    expect(same.map((m) => m.category)).toEqual(['probe_failure']);
    const twoLines = matchCues(
      'Readiness probe failed: HTTP probe failed\nERROR dial tcp 10.0.0.1:5432: connect: connection refused',
      index,
    );
    expect(new Set(twoLines.map((m) => m.category))).toEqual(
      new Set(['probe_failure', 'connection_refused']),
    );
  });

  it('does not mistake neighbouring failures for each other', () => {
    const categoriesOf = (text: string) => new Set(matchCues(text, index).map((m) => m.category));
    expect(categoriesOf('0/3 nodes are available: 3 Insufficient memory.')).not.toContain('oom');
    expect(categoriesOf('Error: ENOSPC: System limit for number of file watchers reached')).toEqual(
      new Set(['fd_exhausted']),
    );
    expect(categoriesOf('cp: Disk quota exceeded')).toEqual(new Set(['disk_full']));
    expect(categoriesOf('An error occurred (RequestLimitExceeded)')).toEqual(
      new Set(['rate_limited']),
    );
    expect(categoriesOf("Module not found: Error: Can't resolve 'lodash.merge'")).toEqual(
      new Set(['dependency_missing']),
    );
    expect(categoriesOf('fatal error: all goroutines are asleep - deadlock!')).toEqual(
      new Set(['app_crash']),
    );
    expect(categoriesOf("Could not resolve placeholder 'db.url'")).toEqual(
      new Set(['config_error']),
    );
    expect(categoriesOf('INFO rate limit: 100 req/s, read timeout=30s, pool size=20')).toEqual(
      new Set(),
    );
  });
});

describe('regular expressions on hostile input', () => {
  const index = indexCatalog(SIGNATURES);
  // Inputs built to make backtracking patterns explode: long runs of the
  // characters the cues are made of, near-misses repeated, no line breaks.
  const hostile = [
    'a'.repeat(200_000),
    ' '.repeat(200_000),
    'x'.repeat(100_000) + '!',
    'lookup '.repeat(20_000),
    'connection '.repeat(20_000),
    'no such '.repeat(20_000),
    'Exit Code: '.repeat(10_000),
    `${'Could not resolve '.repeat(5_000)}a${'.b'.repeat(5_000)}`,
    `${'exceeding '.repeat(10_000)}quot`,
    `Access denied for user ${'x'.repeat(100_000)}`,
    `${'timeout '.repeat(20_000)}`,
    `${'\t'.repeat(50_000)}Restarting`,
    `${'0/1 nodes are available: '.repeat(5_000)}`,
    `${'Restart Count: 1'.repeat(10_000)}`,
    `${'yaml: line 1: '.repeat(10_000)}`,
    `${"'".repeat(100_000)}`,
    `${'node(s) '.repeat(10_000)}`,
    `${'thin pool '.repeat(10_000)}`,
    `${'\n'.repeat(50_000)}Killed`,
  ];

  // A backtracking pattern would take hours on these; the suite's timeout is the guard.
  it.each(
    hostile.map((text) => [`${JSON.stringify(text.slice(0, 24))}... (${text.length} chars)`, text]),
  )('matches %s without hanging', (_name, text) => {
    expect(matchCues(text, index).every((m) => m.weight > 0)).toBe(true);
    for (const s of SIGNATURES) s.pattern.test(text);
  });

  it('signals a single 1 MB line and binary bytes without hanging', () => {
    const line = `ERROR ${'x'.repeat(1 << 20)} connection refused`;
    expect(matchCues(line, index).map((m) => m.category)).toEqual(['connection_refused']);
    const binary = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => i % 256));
    expect(() => matchCues(binary.repeat(64), index)).not.toThrow();
  });
});
