import { describe, expect, it } from 'vitest';
import { HeaderLayout, stripHeaders } from './header-layout.js';

// Each input: a few lines in one format, and the messages expected once the
// header is stripped. Lines written for these tests in the formats' shapes.
const FORMATS: Record<string, { lines: string[]; messages: string[]; levels?: (string | null)[] }> =
  {
    'ISO timestamp and level': {
      lines: [
        '2024-11-26T23:15:01.120Z INFO  server listening on :8080',
        '2024-11-26T23:15:02.007Z WARN  cache miss ratio 0.42 above 0.30',
        '2024-11-26T23:15:03.999Z ERROR upstream payments timed out after 30s',
      ],
      messages: [
        'server listening on :8080',
        'cache miss ratio 0.42 above 0.30',
        'upstream payments timed out after 30s',
      ],
      levels: ['info', 'warn', 'error'],
    },
    'log4j with thread and logger': {
      lines: [
        '2024-11-26 23:15:01,123 INFO [main] com.acme.billing.Server: Started BillingServer in 4.2 seconds',
        '2024-11-26 23:15:05,001 ERROR [http-nio-8080-exec-3] com.acme.billing.Api: Request failed for tenant 42',
        '2024-11-26 23:15:06,450 DEBUG [scheduler worker 1] com.acme.billing.Jobs: Sweeping 12 expired sessions',
      ],
      messages: [
        'Started BillingServer in 4.2 seconds',
        'Request failed for tenant 42',
        'Sweeping 12 expired sessions',
      ],
      levels: ['info', 'error', 'debug'],
    },
    'syslog (RFC 3164 without PRI)': {
      lines: [
        'Nov  3 07:14:22 edge-2 sshd[31337]: Invalid user backup from 203.0.113.9 port 51234',
        'Nov  3 07:14:25 edge-2 kernel: eth0: link up, 1000Mbps, full-duplex',
        'Nov 13 17:00:01 edge-2 CRON[4411]: (root) CMD (run-parts /etc/cron.hourly)',
      ],
      messages: [
        'Invalid user backup from 203.0.113.9 port 51234',
        'eth0: link up, 1000Mbps, full-duplex',
        '(root) CMD (run-parts /etc/cron.hourly)',
      ],
    },
    'pipe separated': {
      lines: [
        '20241126-23:15:01:606|StepCounter|3021|onSensorChanged 4412',
        '20241126-23:15:01:615|StepCounter|3021|flush steps=12|total=9931',
        '20241126-23:15:02:001|SyncService|3100|sync finished in 120ms',
      ],
      messages: ['onSensorChanged 4412', 'flush steps=12|total=9931', 'sync finished in 120ms'],
    },
    'bracketed apache error log': {
      lines: [
        '[Tue Nov 26 23:15:01 2024] [error] [client 10.2.3.4] File does not exist: /var/www/favicon.ico',
        '[Tue Nov 26 23:15:09 2024] [notice] Apache/2.2.15 configured -- resuming normal operations',
        '[Tue Nov 26 23:15:11 2024] [notice] Digest: generating secret for digest authentication ...',
      ],
      messages: [
        '[client 10.2.3.4] File does not exist: /var/www/favicon.ico',
        'Apache/2.2.15 configured -- resuming normal operations',
        'Digest: generating secret for digest authentication ...',
      ],
      levels: ['error', 'info', 'info'],
    },
    'nginx error log': {
      lines: [
        '2024/11/26 23:15:01 [error] 4242#4242: *17 connect() failed (111: Connection refused) while connecting to upstream',
        '2024/11/26 23:15:02 [warn] 4242#4242: *18 an upstream response is buffered to a temporary file',
      ],
      messages: [
        '*17 connect() failed (111: Connection refused) while connecting to upstream',
        '*18 an upstream response is buffered to a temporary file',
      ],
      levels: ['error', 'warn'],
    },
    'android logcat': {
      lines: [
        '11-26 23:15:01.811  1702  2395 D ActivityManager: Start proc 8123:com.example/u0a71',
        '11-26 23:15:01.902  1702  1720 W PackageManager: Unknown permission foo.BAR in package com.example',
        '11-26 23:15:02.003   812   812 E Watchdog: Blocked in handler on main thread',
      ],
      messages: [
        'Start proc 8123:com.example/u0a71',
        'Unknown permission foo.BAR in package com.example',
        'Blocked in handler on main thread',
      ],
      levels: ['debug', 'warn', 'error'],
    },
    'klog (Kubernetes components)': {
      lines: [
        'I1126 23:15:01.123456       1 controller.go:116] Starting workers count=4',
        'E1126 23:15:02.654321       1 reflector.go:138] Failed to watch *v1.Secret: forbidden',
      ],
      messages: ['Starting workers count=4', 'Failed to watch *v1.Secret: forbidden'],
      levels: ['info', 'error'],
    },
    'python logging': {
      lines: [
        '2024-11-26 23:15:01,123 - orders.worker - INFO - picked up order 991',
        '2024-11-26 23:15:01,456 - orders.db - ERROR - deadlock detected, retrying',
      ],
      messages: ['picked up order 991', 'deadlock detected, retrying'],
      levels: ['info', 'error'],
    },
    'zookeeper style': {
      lines: [
        '2024-11-26 23:15:01,747 - INFO  [main:QuorumPeerMain@127] - Starting quorum peer',
        '2024-11-26 23:15:02,001 - WARN  [SendWorker:3:QuorumCnxManager$SendWorker@679] - Interrupted while waiting',
      ],
      messages: ['Starting quorum peer', 'Interrupted while waiting'],
    },
    'epoch, node and component columns': {
      lines: [
        '- 1732662901 2024.11.26 R12-M0-N4 2024-11-26-23.15.01.120113 R12-M0-N4 RAS KERNEL INFO cache parity error corrected',
        'APPERR 1732662905 2024.11.26 R12-M0-N5 2024-11-26-23.15.05.000001 R12-M0-N5 RAS APP FATAL ciod: failed to read message prefix',
        '- 1732662907 2024.11.26 R12-M0-N4 2024-11-26-23.15.07.120113 R12-M0-N4 RAS KERNEL INFO generating core.2275',
      ],
      messages: [
        'cache parity error corrected',
        'ciod: failed to read message prefix',
        'generating core.2275',
      ],
    },
    'windows CBS style (padded columns)': {
      lines: [
        '2024-11-26 23:15:01, Info                  CBS    Loaded servicing stack with core: C:\\x\\cbscore.dll',
        '2024-11-26 23:15:02, Info                  CSI    00000001 WcpInitialize called',
      ],
      messages: [
        'Loaded servicing stack with core: C:\\x\\cbscore.dll',
        '00000001 WcpInitialize called',
      ],
    },
    'spring boot': {
      lines: [
        '2024-11-26 23:15:01.123  INFO 1 --- [           main] c.e.demo.DemoApplication                 : Started DemoApplication in 2.5 seconds',
        '2024-11-26 23:15:02.456 ERROR 1 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() threw exception',
        '2024-11-26 23:15:03.789  WARN 1 --- [           main] o.h.e.j.e.i.JdbcEnvironmentInitiator     : HHH000342: Could not obtain connection',
      ],
      messages: [
        'Started DemoApplication in 2.5 seconds',
        'Servlet.service() threw exception',
        'HHH000342: Could not obtain connection',
      ],
      levels: ['info', 'error', 'warn'],
    },
    postgres: {
      lines: [
        '2024-11-26 23:15:01.123 UTC [123] LOG:  checkpoint starting: time',
        '2024-11-26 23:15:02.456 UTC [124] FATAL:  password authentication failed for user "app"',
        '2024-11-26 23:15:03.789 UTC [125] ERROR:  relation "users" does not exist at character 15',
      ],
      messages: [
        'checkpoint starting: time',
        'password authentication failed for user "app"',
        'relation "users" does not exist at character 15',
      ],
      levels: ['info', 'fatal', 'error'],
    },
    'mysql 8': {
      lines: [
        '2024-05-05T10:00:00.000000Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.36) starting as process 1',
        '2024-05-05T10:00:01.000000Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.',
        '2024-05-05T10:00:01.000000Z 0 [ERROR] [MY-000067] [Server] unknown variable foo=1.',
      ],
      messages: [
        '/usr/sbin/mysqld (mysqld 8.0.36) starting as process 1',
        'CA certificate ca.pem is self signed.',
        'unknown variable foo=1.',
      ],
      levels: ['info', 'warn', 'error'],
    },
    'no header at all': {
      lines: [
        'Starting server on port 8080',
        'http: TLS handshake error from 10.0.0.7:5555: EOF',
        'ready',
      ],
      messages: [
        'Starting server on port 8080',
        'http: TLS handshake error from 10.0.0.7:5555: EOF',
        'ready',
      ],
    },
  };

describe('HeaderLayout', () => {
  for (const [name, f] of Object.entries(FORMATS)) {
    it(`strips ${name}`, () => {
      const layout = HeaderLayout.learn(f.lines);
      const stripped = f.lines.map((l) => layout.strip(l));
      expect(stripped.map((s) => s.message)).toEqual(f.messages);
      if (f.levels) expect(stripped.map((s) => s.level)).toEqual(f.levels);
    });
  }

  it('applies the layout consistently and leaves non-fitting lines almost alone', () => {
    const lines = [
      '2024-11-26 23:15:01,123 ERROR [main] com.acme.App: Unhandled failure',
      'java.lang.IllegalStateException: queue closed',
      '\tat com.acme.Queue.take(Queue.java:88)',
      '2024-11-26 23:15:02,000 INFO [main] com.acme.App: Shutting down',
    ];
    const layout = HeaderLayout.learn(lines);
    expect(lines.map((l) => layout.strip(l).message)).toEqual([
      'Unhandled failure',
      'java.lang.IllegalStateException: queue closed',
      'at com.acme.Queue.take(Queue.java:88)',
      'Shutting down',
    ]);
  });

  it('describes the learned layout', () => {
    const layout = HeaderLayout.learn(FORMATS['log4j with thread and logger']?.lines ?? []);
    expect(layout.describe()).toBe('T T L B K');
    expect(HeaderLayout.learn([]).size).toBe(0);
  });

  it('strips batches of lines', () => {
    expect(stripHeaders(FORMATS['syslog (RFC 3164 without PRI)']?.lines ?? [])[1]).toBe(
      'eth0: link up, 1000Mbps, full-duplex',
    );
  });

  it('is quick and safe on adversarial lines', () => {
    const bad = [
      '',
      '['.repeat(100_000),
      `[${'a '.repeat(50_000)}`,
      '|'.repeat(100_000),
      ':'.repeat(100_000),
      `${'1'.repeat(100_000)} x`,
      'x'.repeat(1 << 20),
      '\u0000\u0001\u0002 binary \uffff\ud800',
    ];
    const layout = HeaderLayout.learn(bad);
    for (const l of bad) expect(typeof layout.strip(l).message).toBe('string');
  });

  // Lines are read from a byte copy of their head when ASCII, character by
  // character otherwise: both must strip alike.
  it('strips a line with non-ASCII characters as its ASCII spelling, other letters aside', () => {
    const lines = [
      [
        '2024-11-26T23:15:01Z ERROR [main] c.a.Svc - caf\u00e9 ferm\u00e9',
        '2024-11-26T23:15:01Z ERROR [main] c.a.Svc - cafe ferme',
      ],
      [
        'Jun 14 15:16:01 combo sshd[19939]: \u65e5\u672c check pass',
        'Jun 14 15:16:01 combo sshd[19939]: xx check pass',
      ],
      [
        '2024-11-26 23:15:01,978 WARN [w\u00f6rker-1] slow',
        '2024-11-26 23:15:01,978 WARN [worker-1] slow',
      ],
    ] as const;
    for (const [wide, ascii] of lines) {
      const a = HeaderLayout.NONE.strip(wide, true);
      const b = HeaderLayout.NONE.strip(ascii, true);
      expect([a.offset, a.level]).toEqual([b.offset, b.level]);
      expect(a.offset).toBeGreaterThan(0);
    }
    // A non-ASCII letter is no ASCII letter: "\u00c9RROR" is no level.
    expect(HeaderLayout.NONE.strip('2024-11-26T23:15:01Z \u00c9RROR x').level).toBeNull();
  });

  it('reads a header that ends deep into a long line', () => {
    const group = `[${'worker pool '.repeat(20)}]`;
    const line = `${'x'.repeat(400)} 2024-11-26T23:15:01Z ${group} ERROR boom ${'y'.repeat(2000)}`;
    const stripped = HeaderLayout.NONE.strip(line);
    expect(typeof stripped.message).toBe('string');
    const layout = HeaderLayout.learn(Array.from({ length: 10 }, () => line));
    expect(layout.strip(line).offset).toBe(stripped.offset);
  });
});
