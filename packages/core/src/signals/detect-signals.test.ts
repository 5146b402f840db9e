import { describe, expect, it } from 'vitest';
import { ingestLog } from '../ingest/ingest-log.js';
import { formHypotheses } from '../reasoning/hypotheses.js';
import { detectSignals } from './detect-signals.js';
import { mentionsFailure } from './failure-words.js';
import { selectEvidence } from './select-evidence.js';

const signalsOf = (...lines: string[]) => detectSignals(ingestLog(lines.join('\n')));
const leaderOf = (...lines: string[]) => formHypotheses(signalsOf(...lines))[0]?.category;

describe('mentionsFailure', () => {
  it('counts real failure words', () => {
    for (const text of [
      'Error: something broke',
      'upload failed after 3 attempts',
      'E: Unable to fetch some archives',
      'npm ERR! code 1',
      'ERRO[0032] write tcp: broken',
      'E0418 04:56:17.489683 1 reflector.go:201] list failed',
      '10.0.0.1 - - [01/Jun/2024:10:00:00 +0000] "GET / HTTP/1.1" 500 12',
      'process exited with code 2',
      'FAILED: build step 3',
    ]) {
      expect(mentionsFailure(text), text).toBe(true);
    }
  });

  it('ignores benign uses of failure words', () => {
    for (const text of [
      'batch done: 0 errors',
      'errors=0 warnings=2',
      'error_count=0',
      'no errors found',
      'completed without errors',
      'ok=12 changed=3 unreachable=0 failed=0 skipped=1',
      'Tests: 16 passed, 0 failed',
      'error_log /var/log/nginx/error.log',
      'GET /api/errors 200 3ms',
      'restartPolicy: OnFailure',
      'Liveness: http-get http://:8080/healthz #success=1 #failure=3',
      'error=null status=ok',
      'err=<nil>',
      'registered ErrorHandler and onFailure hooks',
      'error rate 0%',
      'background save may fail under low memory condition',
    ]) {
      expect(mentionsFailure(text), text).toBe(false);
    }
  });

  it('counts exception class names, and only strong words in warnings', () => {
    expect(mentionsFailure('Npgsql.NpgsqlException (0x80004005): pool drained')).toBe(true);
    expect(mentionsFailure('registered onError(handler)')).toBe(false);
    expect(mentionsFailure('backlog of 511 cannot be enforced', true)).toBe(false);
    expect(mentionsFailure('backlog of 511 cannot be enforced')).toBe(true);
    expect(mentionsFailure('upload failed, will retry', true)).toBe(true);
  });
});

describe('detectSignals', () => {
  it('grades severity per record', () => {
    const signals = signalsOf(
      '2024-01-01T00:00:00Z INFO started',
      '2024-01-01T00:00:01Z WARN slow request 2.1s',
      '2024-01-01T00:00:02Z ERROR could not reconcile ledger',
      '2024-01-01T00:00:03Z ERROR write /data/x: no space left on device',
      'FATAL: password authentication failed for user "app"',
    );
    expect(signals.map((s) => s.severity)).toEqual([
      'info',
      'low',
      'medium',
      'critical',
      'critical',
    ]);
    expect(signals.map((s) => s.failing)).toEqual([false, false, true, true, true]);
  });

  it('does not count a failure that was retried and then succeeded', () => {
    const signals = signalsOf(
      'WARN dial tcp 10.0.0.7:5432: connect: connection refused; retrying in 1s',
      'WARN dial tcp 10.0.0.7:5432: connect: connection refused; retrying in 2s',
      'INFO connected to postgres at 10.0.0.7:5432',
    );
    expect(signals.filter((s) => s.failing)).toEqual([]);
    expect(signals.slice(0, 2).every((s) => s.transient)).toBe(true);
    expect(formHypotheses(signals)).toEqual([]);
  });

  it('keeps retried failures that never succeeded', () => {
    const signals = signalsOf(
      'accept4: too many open files; retrying in 5ms',
      'accept4: too many open files; retrying in 10ms',
    );
    expect(signals.every((s) => s.failing && !s.transient)).toBe(true);
  });

  it('counts only unambiguous cues, or cues of a failure, on INFO lines', () => {
    const [config, gaveUp, killed] = signalsOf(
      '{"level":"info","msg":"retry policy loaded","retry_on":["timeout","connection reset"]}',
      '2024-02-02 10:00:04,412 INFO gave up: worker entered FATAL state, too many start retries too quickly',
      'INFO pod api-0 container api: OOMKilled',
    );
    expect(config?.matches).toEqual([]);
    expect(config?.failing).toBe(false);
    expect(gaveUp?.matches.map((m) => m.category)).toEqual(['crash_loop']);
    expect(killed?.matches.map((m) => m.category)).toEqual(['oom']);
  });

  it('does not count a warning about a failure the program handled', () => {
    const [native, fallback, real] = signalsOf(
      'WARN  [main] util.NativeCodeLoader: Failed to load native library for your platform... using builtin-java classes where applicable',
      'WARN  cache: failed to connect to redis, falling back to the in-memory cache',
      'WARN  upload of report 7 failed',
    );
    expect(native?.failing).toBe(false);
    expect(fallback?.failing).toBe(false);
    expect(real?.failing).toBe(true);
  });

  it('reads an upper-case level word when the ingester found none', () => {
    const [warning] = signalsOf(
      '1:M 05 May 2024 10:00:00.001 # WARNING: The TCP backlog setting of 511 cannot be enforced',
    );
    expect(warning?.failing).toBe(false);
  });

  it('counts retry-in-the-same-line success as transient', () => {
    const signals = signalsOf('WARN request timed out, retry 2/3 succeeded');
    expect(signals[0]?.failing).toBe(false);
  });
});

describe('root cause ordering', () => {
  it('dns failure that makes requests time out -> dns_failure', () => {
    expect(
      leaderOf(
        'ERROR request to http://billing/api timed out after 10s',
        'ERROR request to http://billing/api timed out after 10s',
        'ERROR dial tcp: lookup billing on 10.96.0.10:53: no such host',
      ),
    ).toBe('dns_failure');
  });

  it('OOMKilled causing CrashLoopBackOff -> oom, whatever the order', () => {
    expect(
      leaderOf(
        'api-7c9-xk   0/1   CrashLoopBackOff   5   3m',
        '    Last State:     Terminated',
        '      Reason:       OOMKilled',
      ),
    ).toBe('oom');
  });

  it('bare CrashLoopBackOff -> crash_loop', () => {
    expect(leaderOf('Warning  BackOff  kubelet  Back-off restarting failed container')).toBe(
      'crash_loop',
    );
  });

  it('a weak hint does not claim a stronger failure (exit 137 from a liveness kill)', () => {
    expect(
      leaderOf(
        'Warning  Unhealthy  kubelet  Liveness probe failed: HTTP probe failed with statuscode: 500',
        '      Exit Code:    137',
        'Warning  BackOff  kubelet  Back-off restarting failed container',
      ),
    ).toBe('probe_failure');
  });

  it('exit 137 explains a crash loop when nothing else does', () => {
    expect(
      leaderOf(
        '      Exit Code:    137',
        'Warning  BackOff  kubelet  Back-off restarting failed container',
      ),
    ).toBe('oom');
  });

  it('a specific cause beats the generic crash wrapper around it', () => {
    expect(
      leaderOf(
        'Unhandled exception:',
        'SocketException: OS Error: Connection refused, errno = 111, address = localhost, port = 4000',
      ),
    ).toBe('connection_refused');
  });

  it('among unrelated failures the most specific wins', () => {
    expect(
      leaderOf(
        'Error: creating IAM Role: InvalidClientTokenId: The security token included in the request is invalid',
        '  status code: 403, request id: 5e1f',
      ),
    ).toBe('auth_failure');
  });
});

describe('selectEvidence', () => {
  it('points at the physical line of the cue inside a multi-line record', () => {
    const signals = signalsOf(
      'INFO boot',
      'Exception in thread "main" java.lang.RuntimeException: init failed',
      '\tat com.acme.Main.main(Main.java:3)',
      'Caused by: java.net.UnknownHostException: config-server',
      '\t... 4 more',
    );
    const evidence = selectEvidence(signals, 'dns_failure');
    const dns = evidence.find((e) => e.category === 'dns_failure');
    expect(dns?.line).toBe(4);
    expect(dns?.text).toBe('Caused by: java.net.UnknownHostException: config-server');
    expect(dns?.weight).toBeGreaterThan(0.8);
    // The crash wrapper it explains is shown with a lower weight.
    const crash = evidence.find((e) => e.category === 'app_crash');
    expect(crash?.line).toBe(2);
    expect(crash?.weight).toBeLessThan(dns?.weight ?? 0);
  });

  it('shows at most three lines of one template, so other evidence is not crowded out', () => {
    const lines = [];
    for (let i = 0; i < 30; i++) lines.push(`ERROR charge ${i} failed: Read timed out`);
    lines.push(
      'Warning  Unhealthy  kubelet  Readiness probe failed: HTTP probe failed with statuscode: 503',
    );
    const evidence = selectEvidence(signalsOf(...lines), 'timeout');
    expect(evidence.filter((e) => e.category === 'timeout').map((e) => e.line)).toEqual([1, 2, 3]);
    expect(evidence.some((e) => e.category === 'probe_failure' && e.line === 31)).toBe(true);
  });

  it('shows failing lines that match no cue for unknown, and nothing for none', () => {
    const signals = signalsOf(
      'INFO ok',
      'ERROR ledger totals differ by 3',
      'ERROR ledger totals differ by 4',
    );
    expect(selectEvidence(signals, 'unknown').map((e) => [e.line, e.category, e.weight])).toEqual([
      [2, 'unknown', 0.3],
      [3, 'unknown', 0.3],
    ]);
    expect(selectEvidence(signals, 'none')).toEqual([]);
  });
});
