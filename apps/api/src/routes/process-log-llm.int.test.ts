import {
  chatCompletion,
  DOUBLE_ANSWER,
  genericLlmProtocolDouble,
  openAiError,
  openAiProtocolDouble,
  type ProtocolDouble,
} from '@agent/adapters/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type Json, postJson, readJson, type TestApi } from '../../test/harness.js';

/** Errors no catalogued cue explains: the heuristics answer `unknown`, so the LLM is asked. */
const UNKNOWN_LOG = [
  '2026-11-20T10:00:01Z ERROR payment batch 42 rejected by ledger',
  '2026-11-20T10:00:02Z ERROR reconciliation step failed for batch 42',
].join('\n');

const SECRETS = {
  password: 'Sup3rS3cretPassw0rd',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMifQ.c2lnbmF0dXJlLXNlY3JldA',
  opaqueBearer: 'tok_9f8e7d6c5b4a39281706f5e4',
  awsKey: 'AKIAIOSFODNN7EXAMPLE',
  privateKeyBody: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  dbUrlPassword: 'dbpass-4711-geheim',
} as const;

const LEAKY_LOG = [
  `2026-11-20T10:00:01Z ERROR login to ledger failed password=${SECRETS.password}`,
  `2026-11-20T10:00:02Z ERROR upstream rejected call with Authorization: Bearer ${SECRETS.bearer}`,
  `2026-11-20T10:00:03Z ERROR retry with header "Authorization: Bearer ${SECRETS.opaqueBearer}" failed`,
  `2026-11-20T10:00:04Z ERROR s3 sync aborted for access key ${SECRETS.awsKey}`,
  `2026-11-20T10:00:05Z ERROR cannot connect to postgres://ledger:${SECRETS.dbUrlPassword}@db.internal:5432/ledger`,
  '2026-11-20T10:00:06Z ERROR loaded signing key:',
  '-----BEGIN RSA PRIVATE KEY-----',
  SECRETS.privateKeyBody,
  'uKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==',
  '-----END RSA PRIVATE KEY-----',
  '2026-11-20T10:00:07Z ERROR reconciliation step failed for batch 42',
].join('\n');

let double: ProtocolDouble;
let api: TestApi;

async function start(env: Record<string, string> = {}) {
  api = await createTestApi({
    LLM_BASE_URL: double.url,
    LLM_MODEL: 'test-model',
    LLM_API_KEY: 'sk-llm-key-do-not-log-0123456789',
    ...env,
  });
}

async function processLog(body: Record<string, unknown>): Promise<{ status: number; json: Json }> {
  const res = await api.app.request('/api/process_log', postJson(body));
  return { status: res.status, json: await readJson(res) };
}

async function metricsText(): Promise<string> {
  return (await api.runtime.metrics.render()).body;
}

function traceOf(json: Json): string[] {
  return json.reasoning.trace.map((s: { message: string }) => s.message);
}

beforeEach(async () => {
  double = await openAiProtocolDouble();
});

afterEach(async () => {
  await api?.close();
  await double.close();
});

describe('POST /api/process_log with an OpenAI-compatible LLM', () => {
  it('asks the LLM about a log the heuristics cannot name, and scores its answer as a hypothesis', async () => {
    await start();
    const { status, json } = await processLog({ log: UNKNOWN_LOG });

    expect(status).toBe(200);
    expect(double.requests).toHaveLength(1);
    const sent = double.requests[0]!;
    expect(sent.headers.authorization).toBe('Bearer sk-llm-key-do-not-log-0123456789');
    expect(sent.body).toMatchObject({
      model: 'test-model',
      response_format: { type: 'json_object' },
    });
    expect(json.category).toBe(DOUBLE_ANSWER.category);
    expect(json.confidence).toBeLessThanOrEqual(0.6);
    expect(json.reasoning.strategy).toBe('llm');
    expect(json.root_cause).toContain(DOUBLE_ANSWER.root_cause);
    expect(traceOf(json)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^asking the LLM \(openai test-model\) because the category is unknown/,
        ),
        expect.stringMatching(/^taking the LLM's dns_failure/),
      ]),
    );
    // Remediation advice stays advice: every action is planned and governed as usual.
    for (const action of json.actions) expect(action.status).toBe('dry_run');

    const metrics = await metricsText();
    expect(metrics).toContain('agent_llm_requests_total{outcome="ok"} 1');
    expect(metrics).toContain('agent_llm_tokens_total{direction="prompt"} 321');
    expect(metrics).toContain('agent_llm_tokens_total{direction="completion"} 54');
    expect(metrics).toContain('agent_llm_request_duration_seconds_count 1');
  });

  it('answers the same incident again from the cache: no second call', async () => {
    await start();
    const first = await processLog({ log: UNKNOWN_LOG });
    const second = await processLog({ log: UNKNOWN_LOG });

    expect(double.requests).toHaveLength(1);
    expect(second.json.category).toBe(first.json.category);
    expect(traceOf(second.json)).toEqual(
      expect.arrayContaining([expect.stringMatching(/cached answer for this signature/)]),
    );
    expect(await metricsText()).toContain('agent_llm_requests_total{outcome="cache_hit"} 1');
  });

  it('does not ask about a log the heuristics diagnose well, and says why', async () => {
    await start();
    const { json } = await processLog({
      log: 'dial tcp: lookup orders.internal on 10.96.0.10:53: no such host\nGET /api/orders failed: context deadline exceeded',
    });
    expect(double.requests).toHaveLength(0);
    expect(traceOf(json).at(-1)).toMatch(/^LLM not asked: score .* reaches the target/);
  });

  it('never lets a secret from the submitted log reach the LLM server', async () => {
    await start();
    const { status, json } = await processLog({
      log: LEAKY_LOG,
      llm_config: { strategy: 'llm' },
      context: { service: 'ledger', host: `db password=${SECRETS.password}` },
    });

    expect(status).toBe(200);
    expect(double.requests).toHaveLength(1);
    const raw = double.requests[0]!.raw;
    // Every line did reach the server, with its secret replaced.
    const content = (JSON.parse(raw) as { messages: { content: string }[] }).messages[1]!.content;
    for (const shown of [
      'login to ledger failed password=[REDACTED]',
      'upstream rejected call with Authorization: Bearer [REDACTED]',
      'retry with header "Authorization: Bearer [REDACTED]" failed',
      'access key [REDACTED]',
      'postgres://ledger:[REDACTED]@db.internal',
      'PRIVATE KEY-----\n[REDACTED]',
      'reconciliation step failed for batch 42',
      'host=db password=[REDACTED]',
    ]) {
      expect(content).toContain(shown);
    }
    for (const secret of Object.values(SECRETS)) expect(raw).not.toContain(secret);
    expect(raw).not.toContain('sk-llm-key-do-not-log');
    for (const secret of Object.values(SECRETS)) expect(JSON.stringify(json)).not.toContain(secret);
  });

  it('lets a request choose an allowed model and temperature, and refuses others naming the field', async () => {
    await start({ LLM_ALLOWED_MODELS: 'big-model', LLM_MAX_TEMPERATURE: '0.5' });

    const allowed = await processLog({
      log: UNKNOWN_LOG,
      llm_config: { strategy: 'llm', model: 'big-model', temperature: 0.4 },
    });
    expect(allowed.status).toBe(200);
    expect(double.requests[0]!.body).toMatchObject({ model: 'big-model', temperature: 0.4 });

    const model = await processLog({ log: UNKNOWN_LOG, llm_config: { model: 'gpt-9' } });
    expect(model.status).toBe(400);
    expect(model.json.error.code).toBe('validation_failed');
    expect(model.json.error.message).toMatch(/^llm_config\.model: "gpt-9" is not allowed/);

    const temperature = await processLog({ log: UNKNOWN_LOG, llm_config: { temperature: 0.9 } });
    expect(temperature.status).toBe(400);
    expect(temperature.json.error.code).toBe('validation_failed');
    expect(temperature.json.error.message).toMatch(/^llm_config\.temperature: 0\.9 is above/);
    expect(double.requests).toHaveLength(1);
  });

  it('falls back to the heuristic diagnosis when the LLM fails; a dead LLM then costs no request', async () => {
    await start({ LLM_CACHE_TTL_SEC: '0' });
    double.setDefault(() => ({ status: 500, body: openAiError('The server had an error') }));

    const first = await processLog({ log: UNKNOWN_LOG });
    expect(first.status).toBe(200);
    expect(first.json.category).toBe('unknown');
    expect(traceOf(first.json).at(-1)).toMatch(
      /^LLM gave no usable answer \(unavailable\): HTTP 500 .*; the heuristic result stands$/,
    );
    const sentWhileClosed = double.requests.length;
    expect(sentWhileClosed).toBe(3);

    const second = await processLog({ log: UNKNOWN_LOG });
    expect(second.json.category).toBe('unknown');
    expect(traceOf(second.json).at(-1)).toMatch(/^LLM gave no usable answer \(circuit_open\)/);
    expect(double.requests).toHaveLength(sentWhileClosed);
    expect(await metricsText()).toContain('agent_llm_requests_total{outcome="circuit_open"} 1');
  });

  it('ignores an answer that is not valid JSON, and notes it', async () => {
    await start();
    double.reply({ body: chatCompletion('I think it is the database.') });
    const { json } = await processLog({ log: UNKNOWN_LOG });
    expect(json.category).toBe('unknown');
    expect(traceOf(json).at(-1)).toMatch(/^LLM gave no usable answer \(invalid_answer, ignored\)/);
  });

  it('caps the LLM step at LLM_TIMEOUT_MS and answers with the heuristic result', async () => {
    await start({ LLM_TIMEOUT_MS: '200' });
    double.reply({ delayMs: 20_000, body: chatCompletion(JSON.stringify(DOUBLE_ANSWER)) });
    const { status, json } = await processLog({ log: UNKNOWN_LOG });
    expect(status).toBe(200);
    expect(json.category).toBe('unknown');
    expect(traceOf(json).at(-1)).toMatch(/^LLM gave no usable answer \(timeout\)/);
    expect(double.requests).toHaveLength(1);
  });
});

describe('POST /api/process_log with the generic LLM endpoint (LLM_ENDPOINT)', () => {
  it('posts {log, context, hypotheses, categories} and takes the scored answer', async () => {
    const generic = await genericLlmProtocolDouble();
    try {
      api = await createTestApi({ LLM_ENDPOINT: generic.url });
      const { json } = await processLog({ log: UNKNOWN_LOG, context: { service: 'ledger' } });
      expect(generic.requests).toHaveLength(1);
      const body = generic.requests[0]!.body as Json;
      expect(Object.keys(body).sort()).toEqual(['categories', 'context', 'hypotheses', 'log']);
      expect(body.context).toEqual({ service: 'ledger' });
      expect(body.categories).toContain('dns_failure');
      expect(body.log).toContain('payment batch 42 rejected by ledger');
      expect(json.category).toBe(DOUBLE_ANSWER.category);
      expect(traceOf(json)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^asking the LLM \(generic\) because/)]),
      );
      expect(double.requests).toHaveLength(0);
    } finally {
      await generic.close();
    }
  });
});
