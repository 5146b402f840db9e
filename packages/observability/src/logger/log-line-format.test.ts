import { describe, expect, it } from 'vitest';
import { formatLogfmtLine, logfmtKey, logfmtValue } from './log-line-format.js';

describe('logfmtValue', () => {
  it('leaves plain tokens bare', () => {
    expect(logfmtValue('GET')).toBe('GET');
    expect(logfmtValue('/api/incidents/:id')).toBe('/api/incidents/:id');
    expect(logfmtValue('caf\u00e9')).toBe('caf\u00e9');
  });

  it('quotes and escapes what a logfmt parser would misread', () => {
    expect(logfmtValue('')).toBe('""');
    expect(logfmtValue('a b')).toBe('"a b"');
    expect(logfmtValue('k=v')).toBe('"k=v"');
    expect(logfmtValue('say "x"')).toBe('"say \\"x\\""');
    expect(logfmtValue('C:\\tmp')).toBe('"C:\\\\tmp"');
    expect(logfmtValue('a\tb\r\nc')).toBe('"a\\tb\\r\\nc"');
    expect(logfmtValue('bell\u0007')).toBe('"bell\\u0007"');
  });
});

describe('logfmtKey', () => {
  it('replaces characters a key cannot hold', () => {
    expect(logfmtKey('x-api-key')).toBe('x-api-key');
    expect(logfmtKey('a b=c"d')).toBe('a_b_c_d');
    expect(logfmtKey('')).toBe('_');
  });
});

describe('formatLogfmtLine', () => {
  it('puts time, level and msg first whatever the record order', () => {
    expect(formatLogfmtLine({ a: 1, msg: 'm', level: 'info', time: 't', b: null })).toBe(
      'time=t level=info msg=m a=1 b=null\n',
    );
  });

  it('writes an empty object as {}', () => {
    expect(formatLogfmtLine({ level: 'info', o: {} })).toBe('level=info o={}\n');
  });
});
