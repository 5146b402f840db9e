import { describe, expect, it } from 'vitest';
import { createLogger, type LogFormat, writeLogLines } from './create-logger.js';
import { REDACTED } from './redact-secrets.js';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('createLogger json', () => {
  it('writes one JSON object a line with an ISO time and a level label', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', format: 'json', destination });
    logger.info({ route: '/items/:id', status: 200 }, 'request');
    logger.warn('careful');

    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.endsWith('\n')).toBe(true);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({
      level: 'info',
      msg: 'request',
      route: '/items/:id',
      status: 200,
    });
    expect(first.time).toMatch(ISO_TIME);
    expect(first).not.toHaveProperty('pid');
    expect(first).not.toHaveProperty('hostname');
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'warn', msg: 'careful' });
  });

  it('drops events below the level and adds base fields to every line', () => {
    const { lines, destination } = capture();
    const logger = createLogger({
      level: 'warn',
      format: 'json',
      destination,
      base: { service: 'api' },
    });
    logger.info('hidden');
    logger.error('shown');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', service: 'api', msg: 'shown' });
  });

  it('serialises errors under err', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'info', format: 'json', destination }).error(
      { err: new Error('boom') },
      'failed',
    );
    expect(JSON.parse(lines[0]!).err).toMatchObject({ type: 'Error', message: 'boom' });
  });
});

describe('createLogger kv', () => {
  it('writes logfmt with time, level and msg first and quotes values that need it', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', format: 'kv', destination });
    logger.info(
      {
        route: '/items/:id',
        note: 'two words',
        quoted: 'say "hi"',
        eq: 'a=b',
        empty: '',
        n: 3,
        ok: true,
      },
      'request done',
    );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatch(/^time=\d{4}-\d{2}-\d{2}T[\d:.]+Z level=info msg="request done" /);
    expect(line).toContain(' route=/items/:id ');
    expect(line).toContain(' note="two words" ');
    expect(line).toContain(' quoted="say \\"hi\\"" ');
    expect(line).toContain(' eq="a=b" ');
    expect(line).toContain(' empty="" ');
    expect(line).toContain(' n=3 ok=true\n');
    expect(line.split('\n')).toHaveLength(2);
  });

  it('flattens nested objects and keeps multi-line values on one line', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'info', format: 'kv', destination }).info(
      { principal: { keyId: 'k1', tenant: 'acme' }, text: 'line one\nline two', list: [1, 2] },
      'x',
    );
    const line = lines[0]!;
    expect(line).toContain(' principal.keyId=k1 principal.tenant=acme ');
    expect(line).toContain(' text="line one\\nline two" ');
    expect(line).toContain(' list=[1,2]');
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });
});

describe('createLogger text', () => {
  it('writes time, upper-case level and message, then key=value extras', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'debug', format: 'text', destination }).debug(
      { request_id: 'r-1', detail: 'a b' },
      'hello\nworld',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d{4}-\d{2}-\d{2}T[\d:.]+Z DEBUG hello\\nworld request_id=r-1 detail="a b"\n$/,
    );
  });
});

describe('createLogger redaction', () => {
  const formats: LogFormat[] = ['json', 'kv', 'text'];
  for (const format of formats) {
    it(`redacts secret-named fields at any depth and in any spelling (${format})`, () => {
      const { lines, destination } = capture();
      createLogger({ level: 'info', format, destination }).info(
        {
          apiKey: 'sk-top-1',
          password: 'hunter2',
          headers: { Authorization: 'Bearer sk-top-2', 'X-API-Key': 'sk-top-3' },
          req: { headers: { 'x-api-key': 'sk-top-4' } },
          config: {
            token: 'sk-top-5',
            api_key: 'sk-top-6',
            deep: { deeper: { secret: 'sk-top-7' } },
          },
          targets: [{ url: 'http://hook', access_token: 'sk-top-8' }],
        },
        'secrets everywhere',
      );
      const line = lines.join('');
      expect(line).not.toMatch(/sk-top|hunter2/);
      expect(line).toContain(REDACTED);
      expect(line).toContain('http://hook');
    });
  }

  it("keeps the shape of the record and leaves the caller's object untouched", () => {
    const { lines, destination } = capture();
    const fields = { route: '/x', auth: { password: 'p', user: 'ann' } };
    createLogger({ level: 'info', format: 'json', destination }).info(fields, 'x');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      route: '/x',
      auth: { password: REDACTED, user: 'ann' },
    });
    expect(fields.auth.password).toBe('p');
  });

  it('redacts fields an error carries, and keeps its type, message and stack', () => {
    const { lines, destination } = capture();
    const error = Object.assign(new TypeError('request failed'), {
      config: { headers: { authorization: 'Bearer sk-in-error' } },
    });
    const logger = createLogger({ level: 'info', format: 'json', destination });
    logger.error({ err: error }, 'call failed');
    logger.error(error);
    for (const line of lines) {
      expect(line).not.toContain('sk-in-error');
      const { err } = JSON.parse(line);
      expect(err).toMatchObject({ type: 'TypeError', message: 'request failed' });
      expect(err.stack).toContain('TypeError: request failed');
      expect(err.config.headers.authorization).toBe(REDACTED);
    }
  });

  it('redacts extra field names and exact paths given as options, and child bindings', () => {
    const { lines, destination } = capture();
    const logger = createLogger({
      level: 'info',
      format: 'json',
      destination,
      redactFields: ['licence'],
      redactPaths: ['llm.prompt'],
    });
    logger
      .child({ password: 'in-binding' })
      .info({ licence: 'lic-123', llm: { prompt: 'log text', model: 'm1' } }, 'x');
    const line = lines.join('');
    expect(line).not.toMatch(/in-binding|in-grandchild|lic-123|log text/);
    expect(JSON.parse(line).llm).toEqual({ prompt: REDACTED, model: 'm1' });
  });

  it('copes with cyclic objects', () => {
    const { lines, destination } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    createLogger({ level: 'info', format: 'json', destination }).info({ cyclic }, 'x');
    expect(lines).toHaveLength(1);
  });
});

describe('createLogger options', () => {
  it('rejects an unknown format or level up front', () => {
    expect(() => createLogger({ level: 'info', format: 'xml' as LogFormat })).toThrow(/format/);
    expect(() => createLogger({ level: 'loud' as 'info', format: 'json' })).toThrow(/level/);
  });
});

describe('writeLogLines', () => {
  const withoutTime = (line: string) => line.replace(/"time":"[^"]+"/, '"time":"T"');

  it('writes the lines logger.info would write, in one write, with one time', () => {
    const records = [
      { trace_id: 'a1', attributes: { 'db.operation.name': 'recordIncident', bytes: 1985 } },
      { trace_id: 'b2', parent_span_id: undefined, note: 'quote " and \\ and \n', apiKey: 'k-1' },
      {},
    ];
    const single = capture();
    const each = createLogger({
      level: 'info',
      format: 'json',
      destination: single.destination,
      base: { service: 'api' },
    });
    for (const record of records) each.child({ component: 'tracing' }).info(record, 'span');
    const batched = capture();
    const batch = createLogger({
      level: 'info',
      format: 'json',
      destination: batched.destination,
      base: { service: 'api' },
    });
    writeLogLines(batch.child({ component: 'tracing' }), 'info', records, 'span');

    expect(batched.lines).toHaveLength(1);
    const lines = batched.lines[0]!.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map(withoutTime)).toEqual(single.lines.map((line) => withoutTime(line.trimEnd())));
    const times = new Set(lines.map((line) => JSON.parse(line).time));
    expect(times.size).toBe(1);
    expect([...times][0]).toMatch(ISO_TIME);
    // Secret-named fields are scrubbed as on every other line.
    expect(JSON.parse(lines[1]!).apiKey).toBe(REDACTED);
  });

  it('reformats the batch under the kv format, one logfmt line per record', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', format: 'kv', destination });
    writeLogLines(logger, 'info', [{ span_name: 'a' }, { span_name: 'b' }], 'span');
    expect(lines).toHaveLength(1);
    const [first, second, rest] = lines[0]!.split(/(?<=\n)/);
    expect(first).toMatch(/^time=\S+ level=info msg=span span_name=a\n$/);
    expect(second).toMatch(/ span_name=b\n$/);
    expect(rest).toBeUndefined();
  });

  it('writes nothing below the logger level', () => {
    const { lines, destination } = capture();
    writeLogLines(
      createLogger({ level: 'warn', format: 'json', destination }),
      'info',
      [{ a: 1 }],
      'span',
    );
    expect(lines).toEqual([]);
  });

  it('keeps redact paths and values JSON cannot encode working, through pino', () => {
    const { lines, destination } = capture();
    const logger = createLogger({
      level: 'info',
      format: 'json',
      destination,
      redactPaths: ['llm.prompt'],
    });
    writeLogLines(logger, 'info', [{ llm: { prompt: 'the log text' } }], 'span');
    expect(JSON.parse(lines[0]!).llm.prompt).toBe(REDACTED);

    const plain = capture();
    const other = createLogger({ level: 'info', format: 'json', destination: plain.destination });
    writeLogLines(other, 'info', [{ big: 10n }, { n: 1 }], 'span');
    expect(plain.lines).toHaveLength(2);
    expect(JSON.parse(plain.lines[1]!)).toMatchObject({ n: 1, msg: 'span' });
  });
});
