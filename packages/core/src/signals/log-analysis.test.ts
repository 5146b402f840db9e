import { describe, expect, it } from 'vitest';
import { ingestLog } from '../ingest/ingest-log.js';
import { TemplateMiner } from '../mining/template-miner.js';
import { formHypotheses } from '../reasoning/hypotheses.js';
import { detectSignals } from './detect-signals.js';
import { INCIDENT_FIXTURES } from './fixtures/incident-logs.js';
import { LogAnalysis, type LogAnalysisOptions } from './log-analysis.js';
import { selectEvidence } from './select-evidence.js';

function analyse(log: string, options: LogAnalysisOptions = {}) {
  const analysis = new LogAnalysis(new TemplateMiner(), options);
  for (const record of ingestLog(log)) analysis.add(record);
  return analysis.finish();
}

describe('LogAnalysis', () => {
  it('reaches the same hypotheses and evidence as the whole-log functions', () => {
    for (const fixture of INCIDENT_FIXTURES) {
      const signals = detectSignals(ingestLog(fixture.log));
      const expected = formHypotheses(signals);
      const found = analyse(fixture.log);
      expect(
        found.hypotheses.map((h) => [h.category, h.strength]),
        fixture.name,
      ).toEqual(expected.map((h) => [h.category, h.strength]));
      const category = expected[0]?.category ?? 'unknown';
      expect(found.evidence(category), fixture.name).toEqual(selectEvidence(signals, category));
      expect(found.signals.length).toBe(signals.length);
    }
  });

  it('gives a log the same signature and template ids however many times the miner has seen it', () => {
    // The ledger name is a variable the miner only learns from this very log:
    // its groups merge part way through the first analysis.
    const lines = ['INFO payments-api starting'];
    for (const ledger of ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot']) {
      lines.push(`ERROR payments-api: connection refused by ledger ${ledger} on port 5432`);
    }
    const log = lines.join('\n');
    const miner = new TemplateMiner();
    const look = () => {
      const analysis = new LogAnalysis(miner);
      for (const record of ingestLog(log)) analysis.add(record);
      return analysis.finish();
    };
    const first = look();
    const again = look();
    expect(first.signature('connection_refused')).toBe(again.signature('connection_refused'));
    expect(first.templates).toEqual(again.templates);
    for (const t of first.templates) expect(miner.resolve(t.templateId)).toBe(t.templateId);
  });

  it('keeps one signal per record but shares them beyond the cap', () => {
    const lines = [];
    for (let i = 0; i < 200; i++) lines.push(`INFO request ${i} served in ${i % 17}ms`);
    for (let i = 0; i < 50; i++)
      lines.push(`ERROR dial tcp 10.0.0.${i}:5432: connect: connection refused`);
    const found = analyse(lines.join('\n'), { keptSignals: 10 });
    expect(found.records).toBe(250);
    expect(found.signals.length).toBe(250);
    expect(new Set(found.signals).size).toBe(12);
    expect(found.signals.filter((s) => s.failing)).toHaveLength(50);
    expect(found.hypotheses[0]?.category).toBe('connection_refused');
    expect(found.hypotheses[0]?.count).toBe(50);
  });

  it('drops retried failures once a success follows, even when they were held back', () => {
    const log = [
      'WARN connect to db failed: connection refused, retrying in 1s',
      'WARN connect to db failed: connection refused, retrying in 2s',
      'WARN connect to db failed: connection refused, retrying in 4s',
      'INFO connected to db',
    ].join('\n');
    expect(analyse(log).hypotheses).toEqual([]);
    // With a tiny hold-back, the oldest retries are counted before the success arrives.
    expect(analyse(log, { maxPendingRetries: 1 }).hypotheses.map((h) => h.count)).toEqual([2]);
  });

  it('does not take a success long after a retried failure as its outcome', () => {
    const lines = ['WARN connect to db failed: connection refused, retrying in 1s'];
    for (let i = 0; i < 600; i++) lines.push(`INFO served request ${i}`);
    lines.push('INFO user 7 logged in successfully');
    expect(analyse(lines.join('\n')).hypotheses.map((h) => h.category)).toEqual([
      'connection_refused',
    ]);
  });

  it('calls the same failing exit, again and again, a crash loop when nothing deeper shows', () => {
    const exits = [];
    for (let i = 0; i < 4; i++) {
      exits.push(`web_1  | ERROR boot sequence aborted at step ${i}`, 'web_1 exited with code 1');
    }
    expect(analyse(exits.join('\n')).hypotheses[0]?.category).toBe('crash_loop');
    expect(analyse(exits.slice(0, 4).join('\n')).hypotheses).toEqual([]);
    const deeper = [...exits, "web_1  | Error: Cannot find module 'express'"];
    expect(analyse(deeper.join('\n')).hypotheses[0]?.category).toBe('dependency_missing');
  });

  it('counts templates per log, most frequent first, and a stable signature', () => {
    const log = [
      'INFO user 1 logged in',
      'INFO user 2 logged in',
      'ERROR disk /dev/sda1 is full',
    ].join('\n');
    const found = analyse(log);
    expect(found.templates.reduce((n, t) => n + t.count, 0)).toBe(3);
    expect(found.templates[0]?.count).toBe(2);
    expect(found.severity('disk_full')).toBe('critical');
    expect(found.severity('none')).toBe('info');
    expect(found.signature('disk_full')).toBe(analyse(log).signature('disk_full'));
    expect(found.signature('disk_full')).not.toBe(found.signature('oom'));
  });
});
