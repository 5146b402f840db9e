import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAgent } from '../agent.js';
import { ValidationError } from '../domain/errors.js';
import { MemoryKnowledgeStore } from '../memory/memory-knowledge-store.js';
import { type LlmAnswer, type LlmClient, LlmError, type LlmRequest } from '../ports/llm-client.js';
import type { PolicyEngine } from '../ports/policy-engine.js';
import type { LlmStepReport, Telemetry } from '../ports/telemetry.js';

/** Failing lines that match no category: the heuristics answer `unknown`. */
const UNKNOWN_LOG = [
  '2026-11-20T10:00:01Z ERROR payment batch 42 rejected by ledger',
  '2026-11-20T10:00:02Z ERROR reconciliation step failed for batch 42',
].join('\n');
/** A clear DNS failure: the heuristics reach the target alone. */
const DNS_LOG = [
  'dial tcp: lookup orders.internal on 10.96.0.10:53: no such host',
  'GET /api/orders failed: context deadline exceeded',
].join('\n');

const ANSWER: LlmAnswer = {
  category: 'upstream_unavailable',
  confidence: 0.8,
  rootCause: 'The ledger service rejected the batch because it was unavailable.',
  summary: 'The ledger rejects payment batches.',
  remediation: ['Check the ledger service health.', 'rm -rf / --no-preserve-root'],
};

/** A scripted LlmClient that records what it was asked. */
function fakeClient(
  answer: (request: LlmRequest, signal: AbortSignal) => Promise<LlmAnswer> = async () => ANSWER,
  extra: Partial<LlmClient> = {},
) {
  const requests: LlmRequest[] = [];
  const client: LlmClient = {
    name: 'fake',
    defaultModel: 'fake-model',
    promptOverheadTokens: 100,
    analyze(request, signal) {
      requests.push(request);
      return answer(request, signal);
    },
    ...extra,
  };
  return { client, requests };
}

function recordingTelemetry() {
  const reports: LlmStepReport[] = [];
  const telemetry: Telemetry = {
    stage: (_name, run) => run(),
    processed: () => {},
    llmStep: (report) => reports.push(report),
  };
  return { telemetry, reports };
}

function messages(result: { reasoning: { trace: { message: string }[] } }): string[] {
  return result.reasoning.trace.map((s) => s.message);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the LLM step', () => {
  it('is not asked when the heuristic score reaches the target, and says so', async () => {
    const { client, requests } = fakeClient();
    const { telemetry, reports } = recordingTelemetry();
    const result = await createAgent({ llmClient: client, telemetry }).processLog({ log: DNS_LOG });

    expect(requests).toHaveLength(0);
    expect(result.category).toBe('dns_failure');
    expect(messages(result).at(-1)).toMatch(
      /^LLM not asked: score 0\.\d+ reaches the target 0\.70/,
    );
    expect(reports).toEqual([{ outcome: 'not_asked', adopted: false }]);
  });

  it('is asked for an unknown category, and its scored hypothesis becomes the diagnosis', async () => {
    const { client, requests } = fakeClient();
    const { telemetry, reports } = recordingTelemetry();
    const result = await createAgent({ llmClient: client, telemetry }).processLog({
      log: UNKNOWN_LOG,
    });

    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ model: 'fake-model', temperature: undefined });
    expect(requests[0]?.categories).toContain('upstream_unavailable');
    expect(requests[0]?.log).toContain('payment batch 42 rejected by ledger');
    expect(result.category).toBe('upstream_unavailable');
    // No cue of it in the log: the model's word alone stays below the target.
    expect(result.confidence).toBeLessThanOrEqual(0.6);
    expect(result.reasoning.strategy).toBe('llm');
    expect(result.rootCause).toContain('The ledger service rejected the batch');
    expect(result.summary).toBe('The ledger rejects payment batches.');
    const trace = messages(result);
    expect(trace).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^asking the LLM \(fake fake-model\) because the category is unknown/,
        ),
        expect.stringMatching(/^LLM \(fake fake-model\) proposes upstream_unavailable/),
        expect.stringMatching(/^taking the LLM's upstream_unavailable/),
      ]),
    );
    expect(reports).toEqual([{ outcome: 'answered', adopted: true }]);
  });

  it('turns remediation advice into trace text only: actions come from the playbook, through policy', async () => {
    const { client } = fakeClient();
    const result = await createAgent({ llmClient: client }).processLog({ log: UNKNOWN_LOG });
    expect(messages(result)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^LLM remediation advice \(not actions/)]),
    );
    const planned = JSON.stringify(result.actions);
    expect(planned).not.toContain('rm -rf');
    expect(planned).not.toContain('ledger service health');
    for (const action of result.actions) expect(action.status).toBe('dry_run');
  });

  it('hands a category the LLM inferred to policy as not observed (learned), so it asks before anything runs', async () => {
    const { client } = fakeClient();
    const seen: { learned: boolean; category: string }[] = [];
    const policyEngine: PolicyEngine = {
      name: 'spy',
      async decide(input) {
        seen.push({ learned: input.incident.learned, category: input.incident.category });
        return { decision: 'approval_required', reasons: ['spy'] };
      },
    };
    const executed: string[] = [];
    const actuators = ['notify', 'webhook', 'command'].map((plugin) => ({
      plugin,
      configured: true,
      async execute() {
        executed.push(plugin);
        return { ok: true };
      },
    }));
    const result = await createAgent({ llmClient: client, policyEngine, actuators }).processLog({
      log: UNKNOWN_LOG,
      mode: 'auto',
      principal: { keyId: 'k1', tenant: 'default', role: 'user' },
    });
    expect(result.category).toBe('upstream_unavailable');
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect(s).toEqual({ learned: true, category: 'upstream_unavailable' });
    expect(executed).toEqual([]);
  });

  it('is asked when the request chooses the llm strategy, even for a clear log', async () => {
    const { client, requests } = fakeClient(async () => ({ ...ANSWER, category: 'dns_failure' }));
    const result = await createAgent({ llmClient: client }).processLog({
      log: DNS_LOG,
      llmConfig: { strategy: 'llm', model: 'fake-model', temperature: 0.2 },
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ model: 'fake-model', temperature: 0.2 });
    expect(result.category).toBe('dns_failure');
    expect(messages(result)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/because the request asked for it \(strategy llm\)/),
        expect.stringMatching(/^LLM agrees: dns_failure/),
      ]),
    );
  });

  it('keeps the heuristic diagnosis when the LLM proposes something the evidence does not support', async () => {
    const { client } = fakeClient(async () => ({ ...ANSWER, category: 'none', confidence: 0.95 }));
    const result = await createAgent({ llmClient: client }).processLog({
      log: DNS_LOG,
      llmConfig: { strategy: 'llm' },
    });
    expect(result.category).toBe('dns_failure');
    expect(result.reasoning.strategy).toBe('llm');
    expect(messages(result)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^keeping dns_failure .*the LLM's none scores/),
      ]),
    );
  });

  it('falls back to the heuristic result when the client fails, and notes why', async () => {
    const { client } = fakeClient(async () => {
      throw new LlmError('unavailable', 'HTTP 503 from the LLM server; after 3 attempts');
    });
    const { telemetry, reports } = recordingTelemetry();
    const result = await createAgent({ llmClient: client, telemetry }).processLog({
      log: UNKNOWN_LOG,
    });
    expect(result.category).toBe('unknown');
    expect(result.reasoning.strategy).toBe('reflective');
    expect(messages(result).at(-1)).toBe(
      'LLM gave no usable answer (unavailable): HTTP 503 from the LLM server; after 3 attempts; the heuristic result stands',
    );
    expect(reports).toEqual([{ outcome: 'failed', adopted: false }]);
  });

  it('ignores an answer that does not have the expected shape, and notes it', async () => {
    const { client } = fakeClient(
      async () => ({ category: 'gremlins', confidence: 2 }) as unknown as LlmAnswer,
    );
    const result = await createAgent({ llmClient: client }).processLog({ log: UNKNOWN_LOG });
    expect(result.category).toBe('unknown');
    expect(messages(result).at(-1)).toMatch(
      /^LLM gave no usable answer \(invalid_answer, ignored\)/,
    );
  });

  it('caps the whole step at timeoutMs even when the client ignores its signal', async () => {
    vi.useFakeTimers();
    let aborted: unknown = null;
    const { client } = fakeClient(
      (_request, signal) =>
        new Promise<LlmAnswer>(() => {
          signal.addEventListener('abort', () => {
            aborted = signal.reason;
          });
        }),
    );
    const pending = createAgent({ llmClient: client, llm: { timeoutMs: 2500 } }).processLog({
      log: UNKNOWN_LOG,
    });
    await vi.advanceTimersByTimeAsync(2500);
    const result = await pending;
    expect(aborted).toBeInstanceOf(LlmError);
    expect(result.category).toBe('unknown');
    expect(messages(result).at(-1)).toBe(
      'LLM gave no usable answer (timeout): no answer within 2500 ms (LLM_TIMEOUT_MS); the heuristic result stands',
    );
  });

  it('serves a recurring signature from the cache: the second identical log makes no call', async () => {
    const store = new MemoryKnowledgeStore();
    const { client, requests } = fakeClient();
    const { telemetry, reports } = recordingTelemetry();
    const agent = createAgent({ llmClient: client, store, telemetry });
    const first = await agent.processLog({ log: UNKNOWN_LOG });
    const second = await agent.processLog({ log: UNKNOWN_LOG });

    expect(requests).toHaveLength(1);
    expect(second.category).toBe(first.category);
    expect(second.confidence).toBe(first.confidence);
    expect(messages(second)).toEqual(
      expect.arrayContaining([expect.stringMatching(/cached answer for this signature/)]),
    );
    expect(reports).toEqual([
      { outcome: 'answered', adopted: true },
      { outcome: 'cache_hit', adopted: true },
    ]);
  });

  it('keeps cache entries per tenant and model, for cacheTtlSec only', async () => {
    let now = Date.parse('2026-11-20T10:00:00Z');
    const clock = { now: () => new Date(now), monotonicMs: () => now };
    const { client, requests } = fakeClient();
    const agent = createAgent({
      llmClient: client,
      clock,
      llm: { cacheTtlSec: 60, allowedModels: ['other-model'] },
    });
    const tenant = (name: string) => ({ keyId: name, tenant: name, role: 'user' as const });
    await agent.processLog({ log: UNKNOWN_LOG, principal: tenant('a') });
    await agent.processLog({ log: UNKNOWN_LOG, principal: tenant('b') });
    await agent.processLog({ log: UNKNOWN_LOG, principal: tenant('a') });
    await agent.processLog({
      log: UNKNOWN_LOG,
      principal: tenant('a'),
      llmConfig: { model: 'other-model' },
    });
    expect(requests).toHaveLength(3);
    now += 60_000;
    await agent.processLog({ log: UNKNOWN_LOG, principal: tenant('a') });
    expect(requests).toHaveLength(4);
  });

  it('does not cache with cacheTtlSec 0', async () => {
    const { client, requests } = fakeClient();
    const agent = createAgent({ llmClient: client, llm: { cacheTtlSec: 0 } });
    await agent.processLog({ log: UNKNOWN_LOG });
    await agent.processLog({ log: UNKNOWN_LOG });
    expect(requests).toHaveLength(2);
  });

  it('does not ask when operators already taught the category of the signature', async () => {
    const { client, requests } = fakeClient();
    const store = new MemoryKnowledgeStore();
    const agent = createAgent({ store, llm: { cacheTtlSec: 0 } });
    const first = await agent.processLog({ log: UNKNOWN_LOG });
    await agent.giveFeedback({ incidentId: first.incidentId, category: 'config_error' });

    const taught = await createAgent({ store, llmClient: client }).processLog({ log: UNKNOWN_LOG });
    expect(requests).toHaveLength(0);
    expect(taught.category).toBe('config_error');
    expect(messages(taught)).toEqual(
      expect.arrayContaining([expect.stringMatching(/operators already taught the category/)]),
    );
  });

  it('says so when the strategy asks for an LLM but none is configured', async () => {
    const result = await createAgent().processLog({ log: DNS_LOG, llmConfig: { strategy: 'llm' } });
    expect(messages(result).at(-1)).toBe(
      'LLM: asked for (strategy llm) but none is configured; the heuristic result stands',
    );
  });

  it('does not ask when the prompt budget leaves no room for the log', async () => {
    const { client, requests } = fakeClient(undefined, { promptOverheadTokens: 3900 });
    const result = await createAgent({ llmClient: client }).processLog({ log: UNKNOWN_LOG });
    expect(requests).toHaveLength(0);
    expect(messages(result).at(-1)).toMatch(/prompt budget of 4000 tokens leaves no room/);
  });
});

describe('per-request LLM options within the configured limits', () => {
  const { client } = fakeClient();
  const agent = createAgent({
    llmClient: client,
    llm: { allowedModels: ['big-model'], maxTemperature: 0.5 },
  });

  it('accepts the default model, an allowed model and a temperature up to the maximum', async () => {
    for (const model of ['fake-model', 'big-model']) {
      await expect(
        agent.processLog({ log: DNS_LOG, llmConfig: { model, temperature: 0.5 } }),
      ).resolves.toBeDefined();
    }
  });

  it('refuses another model, naming the field', async () => {
    const error = await agent
      .processLog({ log: DNS_LOG, llmConfig: { model: 'gpt-9-ultra' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(
      'llm_config.model: "gpt-9-ultra" is not allowed (allowed: fake-model, big-model)',
    );
  });

  it('refuses a temperature above the maximum, naming the field', async () => {
    await expect(
      agent.processLog({ log: DNS_LOG, llmConfig: { temperature: 0.9 } }),
    ).rejects.toThrow('llm_config.temperature: 0.9 is above the allowed maximum 0.5');
  });

  it('refuses any model when none is configured', async () => {
    await expect(
      createAgent().processLog({ log: DNS_LOG, llmConfig: { model: 'x' } }),
    ).rejects.toThrow('llm_config.model: no model may be chosen');
  });
});
