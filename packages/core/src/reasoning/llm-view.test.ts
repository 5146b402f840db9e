import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../domain/categories.js';
import { ingestLog } from '../ingest/ingest-log.js';
import { TemplateMiner } from '../mining/template-miner.js';
import { LogAnalysis } from '../signals/log-analysis.js';
import { buildLlmView, estimateTokens, type LlmViewInput } from './llm-view.js';

function analyse(log: string, context = {}): LlmViewInput {
  const analysis = new LogAnalysis(new TemplateMiner(null));
  for (const record of ingestLog(log)) analysis.add(record);
  const found = analysis.finish();
  return {
    records: found.records,
    signals: found.signals,
    hypotheses: found.hypotheses,
    templates: found.templates,
    evidence: found.evidence,
    context,
    categories: CATEGORIES,
    leading: found.hypotheses[0]?.category ?? 'unknown',
  };
}

const WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
];

/** Healthy chatter (many distinct templates) around one DNS failure at line 122. */
function noisyLog(): string {
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    const [a, b, c] = [WORDS[i % 10], WORDS[(i * 7) % 10], WORDS[(i * 3 + 1) % 10]];
    lines.push(
      `2026-11-20T10:00:00Z INFO ${a} ${b} finished ${c} stage ${i % 20 < 10 ? 'early' : 'late'}`,
    );
    if (i === 120) {
      lines.push(
        '2026-11-20T10:02:00Z ERROR dial tcp: lookup orders.internal on 10.96.0.10:53: no such host',
      );
    }
  }
  return lines.join('\n');
}

describe('buildLlmView', () => {
  it('shows the evidence with its line number, neighbouring lines, templates with counts, and hypotheses', () => {
    const view = buildLlmView(analyse(noisyLog(), { service: 'checkout' }), 4000, 300);
    expect(view).not.toBeNull();
    const { log, hypotheses, context, categories } = view!.request;
    expect(log).toMatch(/^201 records, 1 failing/);
    expect(log).toContain('*122: 2026-11-20T10:02:00Z ERROR dial tcp: lookup orders.internal');
    expect(log).toContain(' 121: ');
    expect(log).toContain(' 123: ');
    expect(log).toMatch(/\n\d+x /);
    expect(hypotheses).toEqual([{ category: 'dns_failure', confidence: expect.any(Number) }]);
    expect(context).toEqual({ service: 'checkout' });
    expect(categories).toBe(CATEGORIES);
    expect(view!.tokens).toBeLessThanOrEqual(4000);
  });

  it('stays within the budget, dropping context and rare templates before the evidence', () => {
    const input = analyse(noisyLog());
    const wide = buildLlmView(input, 4000, 300)!;
    const tight = buildLlmView(input, 700, 300)!;
    expect(tight.tokens).toBeLessThanOrEqual(700);
    expect(tight.omitted).toBeGreaterThan(wide.omitted);
    expect(tight.request.log).toContain('*122: ');
    expect(tight.request.log).toMatch(/more lines left out to fit the budget/);
    expect(estimateTokens(tight.request.log)).toBeLessThan(estimateTokens(wide.request.log));
  });

  it('gives up when the budget leaves no room for a useful view', () => {
    expect(buildLlmView(analyse(noisyLog()), 400, 300)).toBeNull();
  });

  it('never shows a secret, whatever ingestion left', () => {
    const secrets = [
      'ERROR login failed for admin password=hunter2hunter2',
      'ERROR upstream said 401 to Authorization: Bearer abcdefghijklmnop.qrstuvwx',
      'ERROR s3 upload denied for key AKIAABCDEFGHIJKLMNOP',
    ].join('\n');
    const input = analyse(secrets, { host: 'db password=hunter2hunter2' });
    const view = buildLlmView(input, 4000, 300)!;
    const sent = JSON.stringify(view.request);
    expect(sent).not.toContain('hunter2hunter2');
    expect(sent).not.toContain('abcdefghijklmnop');
    expect(sent).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(sent).toContain('[REDACTED]');
  });
});
