import { CATEGORIES, LlmError, type LlmRequest } from '@agent/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  chatCompletion,
  DOUBLE_ANSWER,
  openAiError,
  openAiProtocolDouble,
  type ProtocolDouble,
  refusedUrl,
} from '../testing.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { LlmCallReport } from './llm-transport.js';
import {
  chatCompletionsUrl,
  createOpenAiLlmClient,
  type OpenAiLlmClientOptions,
} from './openai-llm-client.js';

const REQUEST: LlmRequest = {
  log: '3 records, 2 failing\nevidence:\n*1: dial tcp: lookup db.internal: no such host',
  context: { service: 'checkout' },
  hypotheses: [{ category: 'dns_failure', confidence: 0.6 }],
  categories: CATEGORIES,
};

let double: ProtocolDouble;
let reports: LlmCallReport[];
/** Waits the transport asked for, in ms (the injected sleep returns at once). */
let waits: number[];
let clock: number;

beforeEach(async () => {
  double = await openAiProtocolDouble();
  reports = [];
  waits = [];
  clock = 0;
});

afterEach(async () => {
  await double.close();
});

function client(options: Partial<OpenAiLlmClientOptions> = {}) {
  return createOpenAiLlmClient({
    baseUrl: double.url,
    apiKey: 'sk-test-key-0123456789',
    model: 'test-model',
    now: () => clock,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    observer: { finished: (r) => reports.push(r) },
    ...options,
  });
}

function failureOf(promise: Promise<unknown>): Promise<LlmError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(LlmError);
      return error as LlmError;
    },
  );
}

const never = new AbortController().signal;

describe('OpenAI-compatible client against openAiProtocolDouble', () => {
  it('asks for a JSON answer and reads it back validated', async () => {
    const answer = await client().analyze(REQUEST, never);

    expect(answer).toEqual({
      category: 'dns_failure',
      confidence: 0.8,
      rootCause: DOUBLE_ANSWER.root_cause,
      summary: DOUBLE_ANSWER.summary,
      remediation: DOUBLE_ANSWER.remediation,
    });
    expect(double.requests).toHaveLength(1);
    const sent = double.requests[0]!;
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer sk-test-key-0123456789');
    expect(sent.headers['api-key']).toBeUndefined();
    expect(sent.body).toMatchObject({
      model: 'test-model',
      temperature: 0,
      response_format: { type: 'json_object' },
      max_tokens: 600,
    });
    const messages = (sent.body as { messages: { role: string; content: string }[] }).messages;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(messages[1]!.content).toContain('<log>\n3 records, 2 failing');
    expect(reports).toEqual([
      expect.objectContaining({
        provider: 'openai',
        model: 'test-model',
        outcome: 'ok',
        attempts: 1,
        promptTokens: 321,
        completionTokens: 54,
      }),
    ]);
  });

  it("uses the request's model and temperature", async () => {
    await client().analyze({ ...REQUEST, model: 'other-model', temperature: 0.3 }, never);
    expect(double.requests[0]!.body).toMatchObject({ model: 'other-model', temperature: 0.3 });
  });

  it('reads an answer wrapped in a Markdown fence (servers without JSON mode)', async () => {
    double.reply({
      body: chatCompletion(`Here it is:\n\`\`\`json\n${JSON.stringify(DOUBLE_ANSWER)}\n\`\`\``),
    });
    await expect(client().analyze(REQUEST, never)).resolves.toMatchObject({
      category: 'dns_failure',
    });
  });

  it('refuses an answer that is not JSON, without retrying', async () => {
    double.reply({ body: chatCompletion('The root cause is probably DNS.') });
    const error = await failureOf(client().analyze(REQUEST, never));
    expect(error.kind).toBe('invalid_answer');
    expect(double.requests).toHaveLength(1);
    expect(reports[0]?.outcome).toBe('invalid_answer');
  });

  it('refuses JSON that does not match the schema, naming the field', async () => {
    double.reply({
      body: chatCompletion(JSON.stringify({ ...DOUBLE_ANSWER, category: 'gremlins' })),
    });
    const error = await failureOf(client().analyze(REQUEST, never));
    expect(error.kind).toBe('invalid_answer');
    expect(error.message).toContain('category');

    double.reply({ body: chatCompletion(JSON.stringify({ ...DOUBLE_ANSWER, confidence: 7 })) });
    expect((await failureOf(client().analyze(REQUEST, never))).message).toContain('confidence');
  });

  it('refuses an answer cut off at the token limit', async () => {
    double.reply({ body: chatCompletion('{"category": "dns_fa', { finishReason: 'length' }) });
    expect((await failureOf(client().analyze(REQUEST, never))).kind).toBe('invalid_answer');
  });

  it('falls back to plain text when the server rejects response_format, and remembers it', async () => {
    double.reply({
      status: 400,
      body: openAiError(
        "Invalid parameter: 'response_format' of type 'json_object' is not supported with this model.",
        'response_format',
      ),
    });
    const llm = client();
    await expect(llm.analyze(REQUEST, never)).resolves.toMatchObject({ category: 'dns_failure' });
    expect(double.requests).toHaveLength(2);
    expect(double.requests[1]!.body).not.toHaveProperty('response_format');

    await llm.analyze(REQUEST, never);
    expect(double.requests).toHaveLength(3);
    expect(double.requests[2]!.body).not.toHaveProperty('response_format');
  });

  it('drops response_format when a server refuses it in its own words (no param)', async () => {
    double.reply({ status: 422, body: { detail: 'Unsupported: structured output / json mode' } });
    await expect(client().analyze(REQUEST, never)).resolves.toMatchObject({
      category: 'dns_failure',
    });
    expect(double.requests[1]!.body).not.toHaveProperty('response_format');
  });

  it('switches max_tokens to max_completion_tokens and drops a fixed temperature', async () => {
    double.reply(
      {
        status: 400,
        body: openAiError(
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          'max_tokens',
          'unsupported_parameter',
        ),
      },
      {
        status: 400,
        body: openAiError(
          "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.",
          'temperature',
          'unsupported_value',
        ),
      },
    );
    await client().analyze(REQUEST, never);
    expect(double.requests).toHaveLength(3);
    const last = double.requests[2]!.body;
    expect(last).toMatchObject({ max_completion_tokens: 600 });
    expect(last).not.toHaveProperty('max_tokens');
    expect(last).not.toHaveProperty('temperature');
  });

  it('answers other 4xx as rejected, without retrying and without echoing the key', async () => {
    double.reply({
      status: 401,
      body: openAiError(
        'Incorrect API key provided: Bearer sk-test-key-0123456789.',
        null,
        'invalid_api_key',
      ),
    });
    const error = await failureOf(client().analyze(REQUEST, never));
    expect(error.kind).toBe('rejected');
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain('sk-test-key-0123456789');
    expect(double.requests).toHaveLength(1);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    double.reply({ status: 500, body: openAiError('The server had an error') });
    await expect(client().analyze(REQUEST, never)).resolves.toMatchObject({
      category: 'dns_failure',
    });
    expect(double.requests).toHaveLength(2);
    expect(waits).toEqual([188]); // 250 ms, jittered (random 0.5 -> x0.75)
    expect(reports[0]).toMatchObject({ outcome: 'ok', attempts: 2 });
  });

  it('gives up after the bounded attempts on repeated 500s', async () => {
    double.setDefault(() => ({ status: 503, body: openAiError('overloaded') }));
    const error = await failureOf(
      client({ breaker: { failureThreshold: 10 } }).analyze(REQUEST, never),
    );
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('HTTP 503');
    expect(double.requests).toHaveLength(3);
    expect(waits).toEqual([188, 375]);
  });

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    double.reply({
      status: 429,
      headers: { 'retry-after': '2' },
      body: openAiError('Rate limit reached'),
    });
    await expect(client().analyze(REQUEST, never)).resolves.toMatchObject({
      category: 'dns_failure',
    });
    expect(waits).toEqual([2000]);
    expect(double.requests).toHaveLength(2);
  });

  it('honours retry-after-ms (Azure OpenAI)', async () => {
    double.reply({
      status: 429,
      headers: { 'retry-after-ms': '1500' },
      body: openAiError('Too many'),
    });
    await client().analyze(REQUEST, never);
    expect(waits).toEqual([1500]);
  });

  it('fails at once when Retry-After does not fit in the time cap', async () => {
    double.reply({
      status: 429,
      headers: { 'retry-after': '60' },
      body: openAiError('Rate limit reached'),
    });
    const error = await failureOf(client({ timeoutMs: 10_000 }).analyze(REQUEST, never));
    expect(error.kind).toBe('rate_limited');
    expect(error.message).toContain('Retry-After 60 s');
    expect(waits).toEqual([]);
    expect(double.requests).toHaveLength(1);
  });

  it('stops when the time cap ends during a slow answer, retries included', async () => {
    double.reply(
      { status: 502, body: 'bad gateway' },
      { delayMs: 10_000, body: chatCompletion(JSON.stringify(DOUBLE_ANSWER)) },
    );
    const error = await failureOf(
      client({ timeoutMs: 200, backoffMs: 10, now: () => performance.now() }).analyze(
        REQUEST,
        never,
      ),
    );
    expect(error.kind).toBe('timeout');
    expect(double.requests).toHaveLength(2);
    expect(reports[0]).toMatchObject({ outcome: 'timeout', attempts: 2 });
  });

  it("stops when the caller's signal aborts", async () => {
    double.reply({ delayMs: 10_000, body: chatCompletion(JSON.stringify(DOUBLE_ANSWER)) });
    const controller = new AbortController();
    const pending = client().analyze(REQUEST, controller.signal);
    await vi.waitFor(() => expect(double.requests).toHaveLength(1));
    controller.abort(new LlmError('timeout', 'no answer within 10 ms (LLM_TIMEOUT_MS)'));
    const error = await failureOf(pending);
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('LLM_TIMEOUT_MS');
  });

  it('reports a refused connection as unavailable, after the retries', async () => {
    const llm = client({ baseUrl: await refusedUrl() });
    const error = await failureOf(llm.analyze(REQUEST, never));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('ECONNREFUSED');
    expect(reports[0]).toMatchObject({ outcome: 'unavailable', attempts: 3 });
  });

  it('opens the circuit after repeated failures: then no request reaches the server until a probe', async () => {
    const breaker = new CircuitBreaker({
      failureThreshold: 3,
      cooldownMs: 30_000,
      now: () => clock,
    });
    const llm = client({ breaker });
    double.setDefault(() => ({ status: 500, body: openAiError('down') }));

    expect((await failureOf(llm.analyze(REQUEST, never))).kind).toBe('unavailable');
    expect(double.requests).toHaveLength(3);
    expect(breaker.state).toBe('open');

    for (let i = 0; i < 5; i++) {
      const error = await failureOf(llm.analyze(REQUEST, never));
      expect(error.kind).toBe('circuit_open');
    }
    expect(double.requests).toHaveLength(3);
    expect(reports.at(-1)).toMatchObject({ outcome: 'circuit_open', attempts: 0 });

    // After the cool-down one probe passes; it fails, so the circuit opens again.
    clock += 30_000;
    expect((await failureOf(llm.analyze(REQUEST, never))).kind).toBe('circuit_open');
    expect(double.requests).toHaveLength(4);

    // The next probe succeeds and closes it.
    clock += 30_000;
    double.setDefault(() => ({ body: chatCompletion(JSON.stringify(DOUBLE_ANSWER)) }));
    await expect(llm.analyze(REQUEST, never)).resolves.toMatchObject({ category: 'dns_failure' });
    expect(breaker.state).toBe('closed');
    await llm.analyze(REQUEST, never);
    expect(double.requests).toHaveLength(6);
  });

  it('sends the trace context and runs each call in the observer (a span)', async () => {
    const spans: { provider: string; attributes: Record<string, unknown> }[] = [];
    const llm = client({
      observer: {
        headers: () => ({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }),
        call: async (info, run) => {
          const attributes: Record<string, unknown> = {};
          const value = await run((a) => Object.assign(attributes, a));
          spans.push({ provider: info.provider, attributes });
          return value;
        },
      },
    });
    await llm.analyze(REQUEST, never);
    expect(double.requests[0]!.headers.traceparent).toBe(
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    );
    expect(spans).toEqual([
      {
        provider: 'openai',
        attributes: expect.objectContaining({ 'llm.outcome': 'ok', 'llm.attempts': 1 }),
      },
    ]);
  });

  it('keeps the query string of an Azure OpenAI deployment URL', async () => {
    const base = `${double.url.replace(/\/v1$/, '')}/openai/deployments/gpt-4o?api-version=2024-10-21`;
    expect(chatCompletionsUrl(base)).toMatch(
      /\/openai\/deployments\/gpt-4o\/chat\/completions\?api-version=2024-10-21$/,
    );
    expect(chatCompletionsUrl('https://x.openai.azure.com/openai/v1/')).toBe(
      'https://x.openai.azure.com/openai/v1/chat/completions',
    );
  });

  it('tells the agent how many tokens its instructions take', () => {
    const llm = client();
    expect(llm.name).toBe('openai');
    expect(llm.defaultModel).toBe('test-model');
    expect(llm.promptOverheadTokens).toBeGreaterThan(100);
  });
});
