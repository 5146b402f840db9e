import { describe, expect, it } from 'vitest';
import {
  CONSTANT,
  MESSAGE_KEY,
  maskToken,
  messageKey,
  scanMessage,
  VARIABLE,
  WEAK,
  WILDCARD,
} from './message-scanner.js';

/** The message as masking sees it: constants as written, variables and weak values masked. */
const masked = (message: string) => {
  const s = scanMessage(message);
  return s.kinds.map((k, i) => (k === CONSTANT ? s.raws[i] : s.masks[i])).join(' ');
};
const tokens = (message: string) => scanMessage(message).tokens.join(' ');

describe('scanMessage masking', () => {
  it.each([
    ['numbers', 'retry 3 of 10 after -1.5e3', 'retry <*> of <*> after <*>'],
    ['hex', 'fault at 0x7ffd5a1c flags deadbeef42', 'fault at <*> flags <*>'],
    ['IPv4 and ports', 'from 10.0.12.7:50010 to 192.168.1.1', 'from <*> to <*>'],
    ['IPv6', 'peer fe80::1ff:fe23:4567:890a and [2001:db8::1]:443', 'peer <*> and [<*>'],
    ['UUIDs', 'job 3f2b8c1e-9a4d-4e5f-8a7b-1c2d3e4f5a6b done', 'job <*> done'],
    ['URLs', 'GET https://api.example.com/v1/users?id=7 failed', 'GET <*> failed'],
    ['paths', 'open /var/lib/data/part-0001.parquet and ./conf/app.yaml', 'open <*> and <*>'],
    ['windows paths', 'loading C:\\Program Files\\app\\x.dll', 'loading <*> Files\\app\\x.dll'],
    ['e-mail addresses', 'mail to ops.team@example.org bounced', 'mail to <*> bounced'],
    [
      'kubernetes names',
      'pod web-7d9f8b6c5-x2x7k and job backup-28413-q7x2z',
      'pod web-<*> and job backup-<*>',
    ],
    [
      'quoted values',
      'filter \'safety\' agent "Mozilla/5.0 (X11; Linux x86_64) Gecko"',
      'filter \'<*>\' agent "<*>"',
    ],
    ['short quoted phrases word by word', '"GET /v2/items HTTP/1.1" 200', '"GET <*> HTTP/<*>" <*>'],
    [
      'durations and sizes',
      'took 1h30m20s, 250ms and 5.2 KB of 4GiB',
      'took <*>, <*> and <*> of <*>',
    ],
    ['key=value', 'uid=0 euid=1000 tty=pts/1 status=ok', 'uid=<*> euid=<*> tty=pts/<*> status=<*>'],
    ['key:value', 'PendingReds:0 ScheduledMaps:12', 'PendingReds:<*> ScheduledMaps:<*>'],
    [
      'id prefixes',
      'host MININT-7F3AB2 cpu CPU#3 server jetty-9.4.51',
      'host <*> cpu CPU#<*> server jetty-<*>',
    ],
    [
      'underscore ids',
      'block blk_-6952295868487656571 attempt_1445_0020_m_000001_0',
      'block <*> <*>',
    ],
    ['host names', 'resolved db-3.prod.example.com to 10.1.1.1', 'resolved <*> to <*>'],
    ['dates in words', 'connection at Sun Jul  3 10:05:25 2005 closed', 'connection at <*> closed'],
    ['calls', 'chdir(/home/x/run) failed, pid(4242)', 'chdir(<*>) failed, pid(<*>)'],
    ['empty pairs', 'connection from 10.0.0.1 () closed', 'connection from <*> (<*>) closed'],
  ])('masks %s', (_kind, message, expected) => {
    expect(masked(message)).toBe(expected);
  });

  it('keeps words and glued version digits as constants while grouping', () => {
    const s = scanMessage('Accepted password for root from 1.2.3.4 port 22 ssh2');
    expect(s.tokens).toEqual([
      'Accepted',
      'password',
      'for',
      'root',
      'from',
      '<*>',
      'port',
      '<*>',
      'ssh2',
    ]);
    expect(s.kinds[8]).toBe(WEAK);
    expect(s.kinds[0]).toBe(CONSTANT);
    expect(s.kinds[5]).toBe(VARIABLE);
  });

  it('keeps the raw token of every position', () => {
    const s = scanMessage('  size 5.2 KB  in  Jun 14 15:16:01 ');
    expect(s.raws).toEqual(['size', '5.2 KB', 'in', 'Jun 14 15:16:01']);
    expect(s.tokens).toEqual(['size', WILDCARD, 'in', WILDCARD]);
  });

  it('reads control characters and odd spaces as separators', () => {
    expect(tokens('a\u0000b\tc\u00a0d\u007fe')).toBe('a b c d e');
  });

  it('masks a single token', () => {
    expect(maskToken('(uid=0),')).toEqual({ text: '(uid=<*>),', kind: VARIABLE });
    expect(maskToken('[preauth]')).toEqual({ text: '[preauth]', kind: CONSTANT });
    expect(maskToken("'safety'")).toEqual({ text: "'<*>'", kind: WEAK });
  });
});

describe('scanMessage on adversarial input', () => {
  const cases: [string, string][] = [
    ['a long word', `${'a'.repeat(50_000)}!`],
    ['a run of digits', '9'.repeat(200_000)],
    ['a run of dots', '.'.repeat(200_000)],
    ['a run of colons', ':'.repeat(200_000)],
    ['digits and dots', '1.'.repeat(100_000)],
    ['digits and colons', '1:'.repeat(100_000)],
    ['unclosed quotes', `'a ${"'b ".repeat(50_000)}`],
    ['nested quotes', `"${'\'"'.repeat(50_000)}`],
    ['many equals', `${'a='.repeat(100_000)}`],
    ['many brackets', `${'(['.repeat(100_000)}`],
    ['hyphens', `x${'-a'.repeat(100_000)}`],
    [
      'binary',
      String.fromCharCode(...Array.from({ length: 60_000 }, (_, i) => (i * 7919) % 65_536)),
    ],
  ];
  it.each(cases)('scans %s without hanging (the suite timeout is the guard)', (_name, text) => {
    const s = scanMessage(text);
    messageKey(text);
    expect(s.tokens.length).toBe(s.raws.length);
  });

  it('scans a 1 MB line', () => {
    const line = 'GET /api/v1/items/12345 200 '.repeat(40_000);
    const s = scanMessage(line);
    expect(s.tokens.length).toBe(120_000);
  });
});

describe('messageKey', () => {
  const key = (m: string) => {
    messageKey(m);
    return `${MESSAGE_KEY[0]}:${MESSAGE_KEY[1]}`;
  };

  it('ignores the values of bare numbers but not glued digits or lengths', () => {
    expect(key('took 12 ms at 10.0.0.1')).toBe(key('took 47 ms at 10.9.3.7'));
    expect(key('took 12 ms')).not.toBe(key('took 123 ms'));
    expect(key('proto ssh2')).not.toBe(key('proto ssh1'));
    expect(key('a')).not.toBe(key('b'));
  });

  // The cache is only sound if messages with one key scan to the same tokens.
  it('gives one key only to messages that scan alike', () => {
    const seeds = [
      'Failed password for root from 218.188.2.4 port 40216 ssh2',
      'blk_-1608999687919862906 terminating at 2005-06-03 15:42:50',
      'x_1=5 and v2=10 in chdir(/p/gb2/t800) on Jun 14 15:16:01',
      'fe80::1 at a-12345 and ab-1234567 and 0x1f size 5 KB, 12ms',
      'quoted \'12 ab\' "x 1" web-7d9f8b6c5-x2x7k backup-28413-q7x2z node12.example.com',
      'PendingReds:0 onExtend:1514038530000 14 0 4 id=4f2c9a',
    ];
    let state = 7;
    const digit = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return String.fromCharCode(48 + (state % 10));
    };
    for (const seed of seeds) {
      const base = scanMessage(seed).tokens.join('\u0001');
      for (let round = 0; round < 50; round++) {
        // Change every bare digit, keep glued ones and every length.
        const variant = seed.replace(/\d/g, (d, at: number) => {
          const prev = seed[at - 1] ?? ' ';
          const next = seed[at + 1] ?? ' ';
          return /[A-Za-z]/.test(prev) || /[A-Za-z]/.test(next) ? d : digit();
        });
        if (key(variant) !== key(seed)) continue;
        expect(scanMessage(variant).tokens.join('\u0001')).toBe(base);
      }
    }
  });

  // What the key must keep apart and what it may not: the message with the
  // digits of every bare run (no letter on either side) read as 0.
  const shape = (m: string) =>
    m.replace(/\d+/g, (run, at: number) => {
      const before = m[at - 1] ?? ' ';
      const after = m[at + run.length] ?? ' ';
      return /[A-Za-z]/.test(before) || /[A-Za-z]/.test(after) ? run : '0'.repeat(run.length);
    });

  it('keys random messages by their shape only, at every alignment and on every path', () => {
    let state = 11;
    const pick = (s: string) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return s[(state >>> 8) % s.length] as string;
    };
    const alphabet = 'a1 9_-.Zq00';
    const messages: string[] = [];
    for (let i = 0; i < 1500; i++) {
      let m = '';
      const length = 1 + ((state >>> 4) % 14);
      for (let j = 0; j < length; j++) m += pick(alphabet);
      messages.push(m);
    }
    // Non-ASCII messages and messages longer than the byte buffer take another path.
    const variants = [
      (m: string) => m,
      (m: string) => `${m}\u00e9`,
      (m: string) => `${'x '.repeat(2100)}${m}`,
    ];
    for (const variant of variants) {
      const byKey = new Map<string, string>();
      for (const raw of messages) {
        const m = variant(raw);
        const k = key(m);
        const seen = byKey.get(k);
        if (seen === undefined) byKey.set(k, shape(m));
        else expect(shape(m)).toBe(seen);
      }
      // Distinct shapes have distinct keys.
      expect(byKey.size).toBe(new Set(messages.map((m) => shape(variant(m)))).size);
    }
  });

  it('keeps the digits of a run that touches a letter across word boundaries', () => {
    for (let pad = 0; pad < 8; pad++) {
      const at = ' '.repeat(pad);
      expect(key(`${at}ab1234567 x`)).not.toBe(key(`${at}ab1234568 x`));
      expect(key(`${at}1234567ab x`)).not.toBe(key(`${at}0234567ab x`));
      expect(key(`${at}q 1234567 x`)).toBe(key(`${at}q 7654321 x`));
      expect(key(`${at}R02-M1-N0`)).not.toBe(key(`${at}R03-M1-N0`));
      expect(key(`${at}R02-M1-N0`)).not.toBe(key(`${at}R02-M1-N1`));
    }
  });

  it('keys a non-ASCII or very long message like an ASCII one of the same shape', () => {
    expect(key('caf\u00e9 12 ms')).toBe(key('caf\u00e9 47 ms'));
    expect(key('caf\u00e9 ssh2')).not.toBe(key('caf\u00e9 ssh3'));
    expect(key('\ud800 1')).not.toBe(key('\ud801 1'));
    const long = 'GET /api/v1/items/12345 200 '.repeat(400);
    expect(key(long)).toBe(key(long.replaceAll('12345', '54321')));
    expect(key(long)).not.toBe(key(long.replace('v1', 'v2')));
  });
});

describe('scanMessage value conventions', () => {
  it.each([
    [
      'number lists',
      'steps 1514038440000##7007##548365 time=15,0,3',
      'steps <*>##<*>##<*> time=<*>,<*>,<*>',
    ],
    [
      'host:port',
      'connect to db-1.prod:5432 and msra-sa-41/10.1.1.1:9000',
      'connect to <*> and <*>',
    ],
    ['sigils', 'reader #3 handled *17', 'reader #<*> handled *<*>'],
  ])('masks %s', (_kind, message, expected) => {
    const s = scanMessage(message);
    expect(s.kinds.map((k, i) => (k === CONSTANT ? s.raws[i] : s.masks[i])).join(' ')).toBe(
      expected,
    );
  });
});
