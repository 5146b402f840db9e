import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACTION_STATUSES,
  CATEGORIES,
  DECISIONS,
  RISKS,
  SEVERITIES,
  TRACE_PHASES,
} from '@agent/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt, runCli } from '../../test/run-cli.js';

// The analyze command run as the real bin: node dist/index.js analyze ...

const dir = mkdtempSync(join(tmpdir(), 'devops-agent-analyze-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const OOM_LOG = [
  '2024-06-01T10:00:00Z INFO  starting ledger-api version=2.3.1',
  '2024-06-01T10:04:12Z ERROR java.lang.OutOfMemoryError: Java heap space',
  '\tat com.acme.ledger.Import.load(Import.java:88)',
  '\tat com.acme.ledger.Main.main(Main.java:12)',
  '  Warning  BackOff  kubelet  Back-off restarting failed container ledger-api',
  'ledger-api-7d9f8b6c4-x2k9q   0/1   CrashLoopBackOff   6   9m',
].join('\r\n');

const HEALTHY_LOG = [
  '2024-06-01T10:00:00Z INFO  server listening on :8080',
  '2024-06-01T10:00:01Z INFO  GET /healthz 200 1.1ms',
  '2024-06-01T10:00:02Z INFO  batch done: 120 rows, 0 errors',
].join('\n');

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The process_log response shape of api.md, field by field. */
function expectWireResult(r: Record<string, unknown>) {
  expect(typeof r.incident_id).toBe('string');
  expect(CATEGORIES).toContain(r.category);
  expect(SEVERITIES).toContain(r.severity);
  expect(typeof r.confidence).toBe('number');
  expect(r.confidence).toBeGreaterThanOrEqual(0);
  expect(r.confidence).toBeLessThanOrEqual(1);
  expect(typeof r.summary).toBe('string');
  expect(typeof r.root_cause).toBe('string');
  for (const e of r.evidence as Record<string, unknown>[]) {
    expect(Object.keys(e).sort()).toEqual(['category', 'line', 'text', 'weight']);
    expect(Number.isInteger(e.line) && (e.line as number) >= 1).toBe(true);
    expect(typeof e.text).toBe('string');
    expect(CATEGORIES).toContain(e.category);
    expect(typeof e.weight).toBe('number');
  }
  for (const t of r.templates as Record<string, unknown>[]) {
    expect(typeof t.template_id).toBe('string');
    expect(typeof t.template).toBe('string');
    expect(Number.isInteger(t.count)).toBe(true);
  }
  expect(Array.isArray(r.similar_incidents)).toBe(true);
  for (const a of r.actions as Record<string, unknown>[]) {
    expect(typeof a.action_id).toBe('string');
    expect(typeof a.plugin).toBe('string');
    expect(typeof a.operation).toBe('string');
    expect(typeof a.params).toBe('object');
    expect(RISKS).toContain(a.risk);
    expect(typeof a.description).toBe('string');
    expect(DECISIONS).toContain(a.decision);
    expect(Array.isArray(a.reasons)).toBe(true);
    expect(ACTION_STATUSES).toContain(a.status);
  }
  const reasoning = r.reasoning as Record<string, unknown>;
  expect(['reflective', 'classic', 'llm']).toContain(reasoning.strategy);
  expect(Number.isInteger(reasoning.cycles) && (reasoning.cycles as number) >= 1).toBe(true);
  expect(typeof reasoning.score).toBe('number');
  expect(typeof reasoning.target).toBe('number');
  for (const step of reasoning.trace as Record<string, unknown>[]) {
    expect(Number.isInteger(step.cycle)).toBe(true);
    expect(TRACE_PHASES).toContain(step.phase);
    expect(typeof step.message).toBe('string');
  }
  expect(['safe', 'auto']).toContain(r.mode);
  expect(typeof r.duration_ms).toBe('number');
}

// Each test starts the bin (a Node process) once or a few times.
vi.setConfig({ testTimeout: 60_000 });

describe('devops-agent analyze', () => {
  it('--json prints the process_log response for the whole file as one log', async () => {
    const run = await runCli(['analyze', file('oom.log', OOM_LOG), '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expectWireResult(result);
    expect(result.category).toBe('oom');
    expect(result.mode).toBe('safe');
    const evidence = result.evidence as { line: number; category: string }[];
    expect(evidence.some((e) => e.line === 2 && e.category === 'oom')).toBe(true);
    // The stack trace is one record, joined across CRLF lines.
    const templates = result.templates as { count: number }[];
    expect(templates.reduce((n, t) => n + t.count, 0)).toBe(4);
    const actions = result.actions as { status: string }[];
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a.status === 'dry_run')).toBe(true);
  });

  it('prints a readable report without --json', async () => {
    const run = await runCli(['analyze', file('oom-report.log', OOM_LOG)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Category: +oom$/m);
    expect(run.stdout).toMatch(/^Severity: +high$/m);
    expect(run.stdout).toMatch(/^Confidence: +\d\.\d\d$/m);
    expect(run.stdout).toMatch(/^Root cause: +\S/m);
    expect(run.stdout).toMatch(/^ {2}line +2 +oom \d\.\d\d +.*OutOfMemoryError/m);
    expect(run.stdout).toMatch(/^Top templates:$/m);
    expect(run.stdout).toMatch(/^Planned actions \(mode safe\):$/m);
    expect(run.stdout).toMatch(/^ {2}- notify\.\S+ \[risk low\] \w+, dry_run/m);
  });

  it('calls a healthy log none', async () => {
    const run = await runCli(['analyze', file('healthy.log', HEALTHY_LOG), '--json']);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expectWireResult(result);
    expect(result.category).toBe('none');
    expect(result.severity).toBe('info');
    expect(result.evidence).toEqual([]);
  });

  it('reads standard input for -, and honours --strategy and --mode', async () => {
    const run = await runCli(
      ['analyze', '-', '--json', '--strategy', 'classic', '--mode', 'auto'],
      {
        stdin: 'ERROR dial tcp 10.0.0.5:5432: connect: connection refused\n',
      },
    );
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      category: string;
      mode: string;
      reasoning: { strategy: string; cycles: number };
      actions: { status: string }[];
    };
    expect(result.category).toBe('connection_refused');
    expect(result.reasoning).toMatchObject({ strategy: 'classic', cycles: 1 });
    expect(result.mode).toBe('auto');
    // Nothing is configured to act with the embedded defaults: nothing runs.
    expect(result.actions.every((a) => a.status === 'skipped')).toBe(true);
  });

  it('keeps what it learned in the store --db names', async () => {
    const db = join(dir, 'agent.db');
    const log = file('refused.log', 'ERROR connect ECONNREFUSED 127.0.0.1:6379\n');
    const first = JSON.parse((await runCli(['analyze', log, '--json', '--db', db])).stdout);
    const second = JSON.parse((await runCli(['analyze', log, '--json', '--db', db])).stdout);
    expect(second.similar_incidents.map((s: { incident_id: string }) => s.incident_id)).toContain(
      first.incident_id,
    );
  });

  it('exits 2 with the usage on usage errors', async () => {
    const cases = [
      ['analyze'],
      ['analyze', 'a.log', 'b.log'],
      ['analyze', 'a.log', '--mode', 'yolo'],
      ['analyze', 'a.log', '--strategy', 'llm'],
      ['analyze', 'a.log', '--colour'],
      ['analyze', 'a.log', '--db'],
    ];
    const runs = await Promise.all(cases.map((args) => runCli(args)));
    runs.forEach((run, i) => {
      const args = cases[i]?.join(' ');
      expect(run.code, args).toBe(2);
      expect(run.stderr, args).toMatch(/usage: devops-agent analyze/);
      expect(run.stdout, args).toBe('');
    });
  });

  it('exits 1 when the file cannot be read or holds no log', async () => {
    const missing = await runCli(['analyze', join(dir, 'nope.log')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.log: no such file/);
    const empty = await runCli(['analyze', file('empty.log', ' \n\n')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^analyze: .*empty\.log: nothing to analyze \(no log lines\)$/m);
  });
});
