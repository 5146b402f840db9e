import { describe, expect, it } from 'vitest';
import type { SimilarIncident } from '../domain/types.js';
import { ingestLog } from '../ingest/ingest-log.js';
import { TemplateMiner } from '../mining/template-miner.js';
import { LogAnalysis } from '../signals/log-analysis.js';
import { type ReasoningOptions, runReasoning } from './reasoning-loop.js';

function reason(
  log: string,
  options: Partial<ReasoningOptions> = {},
  similar: SimilarIncident[] = [],
) {
  const analysis = new LogAnalysis(new TemplateMiner(null));
  for (const record of ingestLog(log)) analysis.add(record);
  const { signals, hypotheses } = analysis.finish();
  return runReasoning(
    { signals, hypotheses, similar },
    { strategy: 'reflective', maxCycles: 2, target: 0.7, ...options },
  );
}

// kubectl describe lists the current state (the symptom) before the last one (the cause).
const DESCRIBE_OOM = [
  'Name:         payments-api-7d9f8b6c4-x2k9q',
  'Namespace:    payments',
  'Containers:',
  '  api:',
  '    State:          Waiting',
  '      Reason:       CrashLoopBackOff',
  '    Last State:     Terminated',
  '      Reason:       OOMKilled',
  '      Exit Code:    137',
  '    Restart Count:  7',
].join('\n');

const DNS_THEN_TIMEOUTS = [
  'Nov 26 09:14:02 web-3 checkout[2211]: dial tcp: lookup orders.internal on 10.96.0.10:53: no such host',
  'Nov 26 09:14:07 web-3 checkout[2211]: GET /api/orders failed: context deadline exceeded',
  'Nov 26 09:14:12 web-3 checkout[2211]: GET /api/orders failed: context deadline exceeded',
].join('\n');

const TWO_UNRELATED = [
  '2026-11-20T10:00:01Z ERROR write /var/lib/app/cache.db: no space left on device',
  '2026-11-20T10:00:02Z ERROR x509: certificate has expired or is not yet valid',
].join('\n');

const similar = (category: SimilarIncident['category'], n: number): SimilarIncident[] =>
  Array.from({ length: n }, (_, i) => ({
    incidentId: `past-${i}`,
    category,
    seenAt: '2026-11-01T00:00:00.000Z',
    resolved: null,
  }));

describe('runReasoning', () => {
  it('classic takes the first failure in one pass; reflection finds the cause that explains it', () => {
    const classic = reason(DESCRIBE_OOM, { strategy: 'classic' });
    expect(classic.category).toBe('crash_loop');
    expect(classic.cycles).toBe(1);
    // A symptom that something else in the log explains cannot score high.
    expect(classic.confidence).toBeLessThan(0.7);

    const reflective = reason(DESCRIBE_OOM);
    expect(reflective.category).toBe('oom');
    expect(reflective.cycles).toBe(2);
    expect(reflective.confidence).toBeGreaterThan(classic.confidence);
    const reflections = reflective.trace.filter((s) => s.phase === 'reflect').map((s) => s.message);
    expect(reflections.join('\n')).toMatch(/ordering: oom explains crash_loop/);
  });

  it('records every step with the score after it, cycle by cycle', () => {
    const outcome = reason(DESCRIBE_OOM, { maxCycles: 3, target: 1 });
    expect(outcome.cycles).toBe(3);
    expect(outcome.trace.map((s) => s.phase)).toEqual([
      'observe',
      'hypothesize',
      'evaluate',
      ...Array(4).fill('reflect'),
      'evaluate',
      ...Array(4).fill('reflect'),
      'evaluate',
      'decide',
    ]);
    for (const step of outcome.trace) expect(typeof step.score).toBe('number');
    expect(outcome.trace.filter((s) => s.phase === 'evaluate').map((s) => s.cycle)).toEqual([
      1, 2, 3,
    ]);
    expect(outcome.trace.at(-1)?.score).toBe(outcome.confidence);
  });

  it('widens the context around the evidence twice as far each cycle', () => {
    const outcome = reason(DNS_THEN_TIMEOUTS, { maxCycles: 3, target: 1 });
    const widened = outcome.trace
      .filter((s) => s.phase === 'reflect' && s.message.startsWith('widened'))
      .map((s) => s.message);
    expect(widened[0]).toMatch(/±1 record around .*; 1 neighbouring failure it explains/);
    expect(widened[1]).toMatch(/±2 records around .*; 2 neighbouring failures it explains/);
    expect(outcome.category).toBe('dns_failure');
  });

  it('stops at the target after the first cycle when the first pass is convincing', () => {
    const outcome = reason(DNS_THEN_TIMEOUTS, { maxCycles: 4 });
    expect(outcome.category).toBe('dns_failure');
    expect(outcome.cycles).toBe(1);
    expect(outcome.confidence).toBeGreaterThanOrEqual(0.7);
  });

  it('lowers confidence when two unrelated hypotheses are close', () => {
    const close = reason(TWO_UNRELATED);
    const alone = reason(TWO_UNRELATED.split('\n')[0]!);
    expect(close.category).toBe(alone.category);
    expect(close.confidence).toBeLessThan(alone.confidence - 0.2);
    expect(close.trace.some((s) => /nearly as specific/.test(s.message))).toBe(true);
  });

  it('consults recalled incidents: agreement raises the score, a consistent relabel is learned', () => {
    const log = TWO_UNRELATED;
    const without = reason(log, { target: 1 });
    expect(without.category).toBe('disk_full');
    const agreeing = reason(log, { target: 1 }, similar('disk_full', 3));
    expect(agreeing.category).toBe('disk_full');
    expect(agreeing.confidence).toBeGreaterThan(without.confidence);
    expect(agreeing.learned).toBe(false);

    // Operators said past incidents with this signature were the certificate.
    const relabelled = reason(log, { target: 1 }, similar('tls_error', 3));
    expect(relabelled.category).toBe('tls_error');
    expect(relabelled.learned).toBe(true);
    expect(relabelled.trace.some((s) => /recall: 3 of 3 .* tls_error/.test(s.message))).toBe(true);

    // A category the log does not show is never taken from memory.
    const absent = reason(log, { target: 1 }, similar('oom', 3));
    expect(absent.category).toBe('disk_full');
    expect(absent.confidence).toBeLessThan(without.confidence);
  });

  it('calls a healthy log none and uncatalogued errors unknown, with a trace either way', () => {
    const healthy = reason('INFO server listening on :8080\nINFO GET /healthz 200 1.2ms\nINFO ok');
    expect(healthy.category).toBe('none');
    expect(healthy.confidence).toBeGreaterThanOrEqual(0.7);
    expect(healthy.cycles).toBe(1);

    const unknown = reason('ERROR reconciliation job failed: ledger totals differ', {
      maxCycles: 2,
      target: 0.9,
    });
    expect(unknown.category).toBe('unknown');
    expect(unknown.cycles).toBe(2);
    expect(unknown.trace.some((s) => /uncatalogued failure/.test(s.message))).toBe(true);
  });
});
