import { describe, expect, it } from 'vitest';
import { HeaderLayout } from './header-layout.js';
import { ingestLog } from './ingest-log.js';
import { LogIngester, messageOfLine } from './log-ingester.js';

const lines = (...l: string[]) => l.join('\n');
const brief = (log: string) =>
  ingestLog(log).map((r) => ({
    line: r.line,
    lines: r.lineCount,
    message: r.message,
    level: r.level,
  }));

describe('ingestLog formats', () => {
  it('reads JSON lines (message/msg/log, level/severity, numeric levels)', () => {
    const records = ingestLog(
      lines(
        '{"ts":"2024-11-26T23:15:01Z","level":"error","msg":"db connect failed","err":"ECONNREFUSED"}',
        '{"time":1732662901,"severity":"WARNING","message":"disk 91% full","logger":"fs.watch"}',
        '{"level":50,"time":1732662902,"pid":7,"hostname":"api-1","msg":"request failed"}',
        '{"log":"2024-11-26 23:15:03 ERROR worker crashed\\n","stream":"stderr","time":"2024-11-26T23:15:03.1Z"}',
        '{"MESSAGE":"Started nginx.service","PRIORITY":"6","SYSLOG_IDENTIFIER":"systemd","__REALTIME_TIMESTAMP":"1732662904000000"}',
      ),
    );
    expect(records.map((r) => [r.message, r.level, r.format])).toEqual([
      ['db connect failed', 'error', 'json'],
      ['disk 91% full', 'warn', 'json'],
      ['request failed', 'error', 'json'],
      ['worker crashed', 'error', 'json'],
      ['Started nginx.service', 'info', 'json'],
    ]);
    expect(records[1]?.source).toBe('fs.watch');
    expect(records[4]?.source).toBe('systemd');
  });

  it('reads logfmt', () => {
    const [r] = ingestLog(
      'time="2024-11-26T23:15:01Z" level=error msg="payment \\"42\\" declined" code=51',
    );
    expect(r).toMatchObject({ message: 'payment "42" declined', level: 'error', format: 'logfmt' });
  });

  it('reads syslog RFC 5424 and RFC 3164 with PRI', () => {
    const records = ingestLog(
      lines(
        '<165>1 2024-11-26T23:15:01.003Z mail-1.example.com postfix 4242 ID47 [origin ip="10.0.0.1" x="a\\]b"] queue file write error',
        '<11>1 2024-11-26T23:15:02Z web-2 nginx - - - upstream timed out',
        '<34>Nov 26 23:15:03 web-3 su[811]: pam_unix(su:auth): authentication failure',
      ),
    );
    expect(records.map((r) => [r.message, r.level, r.format, r.source])).toEqual([
      ['queue file write error', 'info', 'syslog', 'postfix'],
      ['upstream timed out', 'error', 'syslog', 'nginx'],
      ['pam_unix(su:auth): authentication failure', 'fatal', 'syslog', undefined],
    ]);
  });

  it('reads CRI container log lines and joins partial ones', () => {
    const records = ingestLog(
      lines(
        '2024-11-26T23:15:01.123456789Z stdout F Server started on :8080',
        '2024-11-26T23:15:02.000000001Z stderr P this line was split ',
        '2024-11-26T23:15:02.000000002Z stderr F by the runtime',
      ),
    );
    expect(records.map((r) => r.message)).toEqual([
      'Server started on :8080',
      'this line was split by the runtime',
    ]);
    expect(records[1]?.lineCount).toBe(2);
  });

  it('reads kubectl get events', () => {
    const records = ingestLog(
      lines(
        'LAST SEEN   TYPE      REASON      OBJECT                        MESSAGE',
        '2m          Normal    Scheduled   pod/api-7d9f8b6c5-x2x7k       Successfully assigned prod/api-7d9f8b6c5-x2x7k to node-3',
        '45s         Warning   BackOff     pod/api-7d9f8b6c5-x2x7k       Back-off restarting failed container api in pod api-7d9f8b6c5-x2x7k',
      ),
    );
    expect(records.map((r) => [r.line, r.message, r.level, r.source, r.format])).toEqual([
      [
        2,
        'Successfully assigned prod/api-7d9f8b6c5-x2x7k to node-3',
        'info',
        'pod/api-7d9f8b6c5-x2x7k',
        'kubernetes-events',
      ],
      [
        3,
        'Back-off restarting failed container api in pod api-7d9f8b6c5-x2x7k',
        'warn',
        'pod/api-7d9f8b6c5-x2x7k',
        'kubernetes-events',
      ],
    ]);
  });

  it('reads kubectl describe: one record per line, events from their columns', () => {
    const records = ingestLog(
      lines(
        'Name:             api-7d9f8b6c5-x2x7k',
        'Namespace:        prod',
        'Status:           Running',
        'Containers:',
        '  api:',
        '    State:          Waiting',
        '      Reason:       CrashLoopBackOff',
        '    Last State:     Terminated',
        '      Reason:       OOMKilled',
        '      Exit Code:    137',
        'Events:',
        '  Type     Reason     Age                From     Message',
        '  ----     ------     ----               ----     -------',
        '  Warning  BackOff    2m (x12 over 5m)   kubelet  Back-off restarting failed container api',
      ),
    );
    expect(records.map((r) => r.message)).toEqual([
      'Name:             api-7d9f8b6c5-x2x7k',
      'Namespace:        prod',
      'Status:           Running',
      'Containers:',
      'api:',
      'State:          Waiting',
      'Reason:       CrashLoopBackOff',
      'Last State:     Terminated',
      'Reason:       OOMKilled',
      'Exit Code:    137',
      'Events:',
      'Back-off restarting failed container api',
    ]);
    expect(records.at(-1)).toMatchObject({ level: 'warn', line: 14, format: 'kubernetes-events' });
  });

  it('reads journalctl output and skips its markers', () => {
    const records = ingestLog(
      lines(
        '-- Logs begin at Mon 2024-11-25 08:00:01 UTC, end at Tue 2024-11-26 23:15:09 UTC. --',
        'Nov 26 23:15:01 db-1 systemd[1]: Starting PostgreSQL 16 database server...',
        'Nov 26 23:15:04 db-1 postgres[912]: FATAL:  could not write lock file "postmaster.pid": No space left on device',
        '-- Boot 3f2b8c1e9a4d4e5f8a7b1c2d3e4f5a6b --',
        'Nov 26 23:16:00 db-1 kernel: Linux version 6.1.0',
      ),
    );
    expect(records.map((r) => [r.line, r.message])).toEqual([
      [2, 'Starting PostgreSQL 16 database server...'],
      [3, 'FATAL:  could not write lock file "postmaster.pid": No space left on device'],
      [5, 'Linux version 6.1.0'],
    ]);
    expect(records[1]?.level).toBe('fatal');
  });

  it('reads nginx access lines', () => {
    const records = ingestLog(
      lines(
        '10.0.0.1 - - [26/Nov/2024:23:15:01 +0000] "GET /api/orders HTTP/1.1" 502 157 "-" "curl/8.4.0"',
        '10.0.0.2 - alice [26/Nov/2024:23:15:02 +0000] "POST /api/pay HTTP/2.0" 200 12 "-" "Mozilla/5.0"',
      ),
    );
    expect(records.map((r) => r.message)).toEqual([
      '"GET /api/orders HTTP/1.1" 502 157 "-" "curl/8.4.0"',
      '"POST /api/pay HTTP/2.0" 200 12 "-" "Mozilla/5.0"',
    ]);
  });

  it('takes an upper-case level opening the message as the level', () => {
    const records = ingestLog(
      lines(
        '1:C 26 Nov 2024 23:15:01.000 # Server initialized',
        '1:M 26 Nov 2024 23:15:01.001 # WARNING overcommit_memory is set to 0',
        '1:M 26 Nov 2024 23:15:01.002 * Ready to accept connections',
      ),
    );
    expect(records[1]).toMatchObject({
      level: 'warn',
      message: 'WARNING overcommit_memory is set to 0',
    });
    expect(records[0]).toMatchObject({ level: null, message: 'Server initialized' });
  });
});

describe('ingestLog multi-line records', () => {
  it('joins a Java stack trace with its causes to the log line', () => {
    const out = brief(
      lines(
        '2024-11-26 23:15:01,123 ERROR [main] com.acme.Worker: Job 7 failed',
        'java.lang.IllegalStateException: queue closed',
        '\tat com.acme.Queue.take(Queue.java:88)',
        '\tat com.acme.Worker.run(Worker.java:41)',
        'Caused by: java.io.IOException: Broken pipe',
        '\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)',
        '\t... 12 more',
        '2024-11-26 23:15:02,000 INFO [main] com.acme.Worker: Retrying job 7',
      ),
    );
    expect(out).toEqual([
      { line: 1, lines: 7, message: 'Job 7 failed', level: 'error' },
      { line: 8, lines: 1, message: 'Retrying job 7', level: 'info' },
    ]);
  });

  it('reads an uncaught Java exception on its own', () => {
    const out = brief(
      lines(
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
        '    at java.util.Arrays.copyOf(Arrays.java:3332)',
        '    at com.acme.Cache.grow(Cache.java:120)',
      ),
    );
    expect(out).toHaveLength(1);
    expect(out[0]?.lines).toBe(3);
  });

  it('joins a Python traceback, chained ones included, and names it by its exception', () => {
    const out = brief(
      lines(
        'Traceback (most recent call last):',
        '  File "/app/worker.py", line 12, in handle',
        '    value = int(payload["n"])',
        "KeyError: 'n'",
        '',
        'During handling of the above exception, another exception occurred:',
        '',
        'Traceback (most recent call last):',
        '  File "/app/worker.py", line 14, in handle',
        '    raise ValueError("bad payload")',
        'ValueError: bad payload',
        'worker exited with code 1',
      ),
    );
    expect(out).toEqual([
      { line: 1, lines: 11, message: "KeyError: 'n'", level: null },
      { line: 12, lines: 1, message: 'worker exited with code 1', level: null },
    ]);
  });

  it('joins the traceback logging.exception prints under its message', () => {
    const out = brief(
      lines(
        '2024-11-26 23:15:01,123 ERROR app: payment failed',
        'Traceback (most recent call last):',
        '  File "/app/pay.py", line 3, in charge',
        'ConnectionError: card processor unreachable',
        '2024-11-26 23:15:02,000 INFO app: next',
      ),
    );
    expect(out.map((r) => [r.line, r.lines, r.message])).toEqual([
      [1, 4, 'payment failed'],
      [5, 1, 'next'],
    ]);
  });

  it('joins a Node.js uncaught exception', () => {
    const out = brief(
      lines(
        '/app/server.js:42',
        "    throw new Error('config missing');",
        '    ^',
        '',
        'Error: config missing',
        '    at Object.<anonymous> (/app/server.js:42:11)',
        '    at Module._compile (node:internal/modules/cjs/loader:1364:14)',
        '',
        'Node.js v20.11.0',
        'npm ERR! code ELIFECYCLE',
      ),
    );
    expect(out.map((r) => [r.line, r.lines])).toEqual([
      [1, 9],
      [10, 1],
    ]);
  });

  it('joins a Node.js error with its frames', () => {
    const out = brief(
      lines(
        "TypeError: Cannot read properties of undefined (reading 'id')",
        '    at handler (/app/routes/user.js:17:23)',
        '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      ),
    );
    expect(out).toHaveLength(1);
  });

  it('joins a Go panic with its goroutines', () => {
    const out = brief(
      lines(
        'panic: runtime error: invalid memory address or nil pointer dereference',
        '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f3b2]',
        '',
        'goroutine 1 [running]:',
        'main.(*Server).handle(0x0, {0x4d2a80, 0xc000012345})',
        '\t/app/server.go:88 +0x12',
        'main.main()',
        '\t/app/main.go:12 +0x1d',
        '',
        'goroutine 7 [chan receive]:',
        'main.worker(0xc000020060)',
        '\t/app/worker.go:30 +0x3a',
        'created by main.main in goroutine 1',
        '\t/app/main.go:10 +0x45',
        'exit status 2',
        'level=info msg="restarting"',
      ),
    );
    expect(out.map((r) => [r.line, r.lines])).toEqual([
      [1, 15],
      [16, 1],
    ]);
    expect(out[0]?.message).toBe(
      'panic: runtime error: invalid memory address or nil pointer dereference',
    );
  });

  it('keeps lines without a header that are not trace parts apart', () => {
    const out = brief(
      lines(
        '2026-11-20T10:03:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
        '    at com.acme.payments.Ledger.load(Ledger.java:88)',
        'Warning  BackOff  pod/payments-api-7d9f8b6c4-x2k9q  Back-off restarting failed container',
        'pod payments-api-7d9f8b6c4-x2k9q is in CrashLoopBackOff',
      ),
    );
    expect(out.map((r) => r.lines)).toEqual([2, 1, 1]);
  });
});

describe('ingestLog on bad input', () => {
  it('gives nothing for empty or blank logs', () => {
    expect(ingestLog('')).toEqual([]);
    expect(ingestLog(' \n\t\n\r\n   ')).toEqual([]);
  });

  it('accepts LF, CRLF and CR line endings and a missing final newline', () => {
    for (const sep of ['\n', '\r\n', '\r']) {
      expect(ingestLog(['a 1', 'b 2', 'c 3'].join(sep)).map((r) => [r.line, r.text])).toEqual([
        [1, 'a 1'],
        [2, 'b 2'],
        [3, 'c 3'],
      ]);
    }
  });

  it('reads binary bytes and broken text without throwing', () => {
    const binary = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 131) % 256));
    const decoded = new TextDecoder().decode(
      new Uint8Array([0x66, 0x6f, 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0x6f, 0x6b]),
    );
    for (const log of [
      binary,
      decoded,
      '\ud800\udfff\ud800 lone surrogates',
      '\u0000\u0000\u0000',
    ]) {
      const records = ingestLog(log);
      for (const r of records) expect(r.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    }
  });

  it('reads a single 1 MB line', () => {
    const line = `2024-11-26 23:15:01 ERROR payload ${'x9 '.repeat(350_000)}`;
    const [r] = ingestLog(line);
    expect(r?.text.length).toBe(line.length);
    expect(r?.message.length).toBeLessThanOrEqual(16_384);
  });

  it('reads 100k lines', () => {
    const log = Array.from(
      { length: 100_000 },
      (_, i) =>
        `2024-11-26 23:15:${String(i % 60).padStart(2, '0')} INFO worker ${i % 7} processed job ${i}`,
    ).join('\n');
    expect(ingestLog(log)).toHaveLength(100_000);
  });

  it('bounds records made of endless continuation lines', () => {
    const log = ['ERROR boom', ...Array.from({ length: 5000 }, () => '\tat x.y(Z.java:1)')].join(
      '\n',
    );
    const records = ingestLog(log);
    expect(records.every((r) => r.lineCount <= 1000)).toBe(true);
    expect(records.reduce((n, r) => n + r.lineCount, 0)).toBe(5001);
  });

  it.each([
    ['deep brackets', '['.repeat(200_000)],
    ['long JSON-looking line', `{${'"a":'.repeat(100_000)}`],
    ['quotes', `a="${'\\"'.repeat(100_000)}`],
    ['pipes', '|'.repeat(200_000)],
    ['PRI-looking', `<${'1'.repeat(100_000)}>`],
    ['long word and a bang', `${'a'.repeat(50_000)}!`],
  ])('reads %s without hanging (the suite timeout is the guard)', (_name, log) => {
    ingestLog(log);
  });
});

describe('LogIngester streaming', () => {
  it('gives the same records whether the text comes whole or in pieces', () => {
    const log = lines(
      '2024-11-26 23:15:01,123 ERROR [main] com.acme.Worker: Job failed',
      'java.lang.IllegalStateException: queue closed',
      '\tat com.acme.Queue.take(Queue.java:88)',
      '2024-11-26 23:15:02,000 INFO [main] com.acme.Worker: Retrying',
      '{"level":"warn","msg":"slow"}',
    ).replaceAll('\n', '\r\n');
    const whole = ingestLog(log);
    for (const size of [1, 2, 3, 7, 64]) {
      const ingester = new LogIngester({ sampleLines: 2 });
      const got = [];
      for (let i = 0; i < log.length; i += size) got.push(...ingester.push(log.slice(i, i + size)));
      got.push(...ingester.end());
      expect(got).toEqual(whole);
    }
  });

  it('emits records before the end once the layout is learned', () => {
    const ingester = new LogIngester({ sampleLines: 3 });
    const early = ingester.push(
      '2024-11-26 23:15:01 INFO a\n2024-11-26 23:15:02 INFO b\n2024-11-26 23:15:03 INFO c\n2024-11-26 23:15:04 INFO d\n',
    );
    expect(early.length).toBeGreaterThan(0);
    expect(ingester.layout.size).toBe(3);
  });
});

describe('messageOfLine', () => {
  it('reads one line for line-by-line mining', () => {
    const layout = HeaderLayout.learn([
      '2024-11-26 23:15:01 INFO ok',
      '2024-11-26 23:15:02 INFO fine',
    ]);
    expect(messageOfLine('2024-11-26 23:15:03 WARN slow disk', layout)).toEqual({
      message: 'slow disk',
      level: 'warn',
    });
    expect(messageOfLine('{"msg":"hi","level":"debug"}', layout)).toEqual({
      message: 'hi',
      level: 'debug',
    });
    expect(messageOfLine('\tat a.b(C.java:1)', layout).message).toBe('at a.b(C.java:1)');
  });
});
