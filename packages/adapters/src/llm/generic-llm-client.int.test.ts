import { CATEGORIES, LlmError, type LlmRequest } from '@agent/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DOUBLE_ANSWER,
  genericLlmProtocolDouble,
  type ProtocolDouble,
  refusedUrl,
} from '../testing.js';
import { createLlmClient } from './create-llm-client.js';
import { createGenericLlmClient } from './generic-llm-client.js';
import type { LlmCallReport } from './llm-transport.js';

const REQUEST: LlmRequest = {
  log: '2 records, 2 failing\nevidence:\n*1: java.lang.OutOfMemoryError: Java heap space',
  context: { service: 'payments', namespace: 'prod' },
  hypotheses: [{ category: 'oom', confidence: 0.9 }],
  categories: CATEGORIES,
};

let double: ProtocolDouble;
let reports: LlmCallReport[];
let waits: number[];

beforeEach(async () => {
  double = await genericLlmProtocolDouble();
  reports = [];
  waits = [];
});

afterEach(async () => {
  await double.close();
});

function client(endpoint = double.url, apiKey: string | null = null) {
  return createGenericLlmClient({
    endpoint,
    apiKey,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    observer: { finished: (r) => reports.push(r) },
  });
}

async function failureOf(promise: Promise<unknown>): Promise<LlmError> {
  const error = await promise.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
}

const never = new AbortController().signal;

describe('generic endpoint client against genericLlmProtocolDouble', () => {
  it('POSTs exactly {log, context, hypotheses, categories} and reads the answer', async () => {
    const answer = await client().analyze(
      { ...REQUEST, model: 'ignored', temperature: 0.5 },
      never,
    );
    expect(answer).toEqual({
      category: 'dns_failure',
      confidence: 0.8,
      rootCause: DOUBLE_ANSWER.root_cause,
      summary: DOUBLE_ANSWER.summary,
      remediation: DOUBLE_ANSWER.remediation,
    });
    expect(double.requests).toHaveLength(1);
    expect(double.requests[0]!.url).toBe('/analyze');
    expect(double.requests[0]!.body).toEqual({
      log: REQUEST.log,
      context: REQUEST.context,
      hypotheses: REQUEST.hypotheses,
      categories: [...CATEGORIES],
    });
    expect(double.requests[0]!.headers.authorization).toBeUndefined();
    expect(reports).toEqual([
      expect.objectContaining({ provider: 'generic', outcome: 'ok', attempts: 1 }),
    ]);
  });

  it('sends LLM_API_KEY as a bearer token when set', async () => {
    await client(double.url, 'generic-key-0123456789').analyze(REQUEST, never);
    expect(double.requests[0]!.headers.authorization).toBe('Bearer generic-key-0123456789');
  });

  it('refuses invalid JSON and schema-invalid JSON as invalid answers', async () => {
    double.reply({ body: 'category: oom' });
    expect((await failureOf(client().analyze(REQUEST, never))).kind).toBe('invalid_answer');

    double.reply({ body: { category: 'oom', confidence: 0.9, summary: 'x', remediation: [] } });
    const error = await failureOf(client().analyze(REQUEST, never));
    expect(error.kind).toBe('invalid_answer');
    expect(error.message).toContain('root_cause');
    expect(double.requests).toHaveLength(2);
  });

  it('retries a 500 and honours Retry-After on 429', async () => {
    double.reply(
      { status: 500, body: { error: 'boom' } },
      { status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } },
    );
    await expect(client().analyze(REQUEST, never)).resolves.toMatchObject({
      category: 'dns_failure',
    });
    expect(double.requests).toHaveLength(3);
    expect(waits).toEqual([188, 1000]);
  });

  it('answers a refused connection as unavailable', async () => {
    const error = await failureOf(client(await refusedUrl('/analyze')).analyze(REQUEST, never));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('is what LLM_PROVIDER=generic builds; none builds nothing', () => {
    const base = { baseUrl: null, apiKey: null, model: null, endpoint: null, timeoutMs: 1000 };
    expect(createLlmClient({ ...base, provider: 'generic', endpoint: double.url })?.name).toBe(
      'generic',
    );
    expect(
      createLlmClient({ ...base, provider: 'openai', baseUrl: 'http://127.0.0.1:1/v1' })?.name,
    ).toBe('openai');
    expect(createLlmClient({ ...base, provider: 'none' })).toBeNull();
  });
});
