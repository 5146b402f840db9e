import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent.js';
import { ValidationError } from '../domain/errors.js';
import { ingestLog } from '../ingest/ingest-log.js';
import { redactSecrets } from '../ingest/redact.js';
import { INCIDENT_FIXTURES } from './fixtures/incident-logs.js';
import { streamRecords } from './log-stream.js';

/** The text in pieces of `size` characters. */
function* pieces(text: string, size: number): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function collect(chunks: Iterable<string>) {
  const out = [];
  for await (const records of streamRecords(chunks)) out.push(...records);
  return out;
}

const LOG = [
  '2024-05-01T10:00:00Z INFO starting api',
  '2024-05-01T10:00:01Z ERROR request failed',
  'java.lang.IllegalStateException: boom',
  '\tat com.acme.Api.handle(Api.java:10)',
  '\tat com.acme.Api.main(Api.java:3)',
  'Caused by: java.net.ConnectException: Connection refused',
  '\t... 2 more',
  '2024-05-01T10:00:02Z INFO token=abcdefghijklmnop',
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAx1',
  'MIIEowIBAAKCAQEAx2',
  '-----END RSA PRIVATE KEY-----',
  '2024-05-01T10:00:03Z INFO done',
].join('\n');

describe('streamRecords', () => {
  it('gives the records of the whole text, whatever the chunk size', async () => {
    const whole = ingestLog(redactSecrets(LOG));
    for (const chunk of [1, 7, 64, 10_000]) {
      expect(await collect(pieces(LOG, chunk)), `chunk ${chunk}`).toEqual(whole);
    }
  });

  it('never splits a private key block, so it is always redacted', async () => {
    const records = await collect(pieces(LOG, 5));
    const text = records.map((r) => r.text).join('\n');
    expect(text).not.toContain('MIIEowIBAAKCAQEAx');
    expect(text).not.toContain('abcdefghijklmnop');
  });

  it('accepts CRLF and a last line without a newline', async () => {
    const records = await collect(['a first line\r\n', 'ERROR second', '\r\nthird']);
    expect(records.map((r) => [r.line, r.text])).toEqual([
      [1, 'a first line'],
      [2, 'ERROR second'],
      [3, 'third'],
    ]);
  });
});

describe('Agent.processLogStream', () => {
  it('reaches the same diagnosis as processLog', async () => {
    for (const fixture of INCIDENT_FIXTURES.slice(0, 40)) {
      const whole = await createAgent().processLog({ log: fixture.log, includeTrace: false });
      const streamed = await createAgent().processLogStream({
        chunks: pieces(fixture.log, 13),
        includeTrace: false,
      });
      expect(streamed.category, fixture.name).toBe(whole.category);
      expect(streamed.evidence, fixture.name).toEqual(whole.evidence);
      expect(streamed.templates, fixture.name).toEqual(whole.templates);
      expect(streamed.confidence, fixture.name).toBe(whole.confidence);
      expect(streamed.signature, fixture.name).toBe(whole.signature);
    }
  });

  it('rejects an empty stream', async () => {
    await expect(createAgent().processLogStream({ chunks: ['', '  \n'] })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
