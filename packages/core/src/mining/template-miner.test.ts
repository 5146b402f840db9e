import { describe, expect, it } from 'vitest';
import { HeaderLayout } from '../ingest/header-layout.js';
import { TemplateMiner } from './template-miner.js';

/** Mines messages; returns per message the final group id and template. */
function mine(messages: readonly string[], miner = new TemplateMiner()) {
  const ids = messages.map((m) => miner.addId(m));
  return ids.map((id) => {
    const groupId = miner.resolve(id) as string;
    return { id: groupId, template: miner.template(groupId) as string };
  });
}

describe('TemplateMiner grouping', () => {
  it('groups lines that differ only in masked variables', () => {
    const out = mine([
      'Connection closed by 10.0.0.1 port 22',
      'Connection closed by 172.16.4.20 port 50122',
      'Connection closed by 192.168.7.1 port 9',
    ]);
    expect(new Set(out.map((o) => o.id)).size).toBe(1);
    expect(out[0]?.template).toBe('Connection closed by <*> port <*>');
  });

  it('keeps lines apart that differ in a word with few values', () => {
    const out = mine([
      'cupsd startup succeeded',
      'cupsd shutdown succeeded',
      'cupsd startup succeeded',
      'action SCREEN_ON received',
      'action SCREEN_OFF received',
    ]);
    expect(out[0]?.id).not.toBe(out[1]?.id);
    expect(out[0]?.id).toBe(out[2]?.id);
    expect(out[3]?.id).not.toBe(out[4]?.id);
    expect(out[0]?.template).toBe('cupsd startup succeeded');
  });

  it('turns a word position into a variable once it shows enough values', () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const out = mine(users.map((u, i) => `Invalid user ${u} from 10.0.0.${i}`));
    expect(new Set(out.map((o) => o.id)).size).toBe(1);
    expect(out[0]?.template).toBe('Invalid user <*> from <*>');
  });

  it('keeps the key of a key=value whose values vary', () => {
    const out = mine([
      'login ok user=root',
      'login ok user=alice',
      'login ok user=bob',
      'login ok user=carol',
    ]);
    expect(new Set(out.map((o) => o.id)).size).toBe(1);
    expect(out[0]?.template).toBe('login ok user=<*>');
  });

  it('never generalises a template into wildcards only', () => {
    const out = mine(['onStart 1', 'onStop 2', 'onPause 3', 'onResume 4', 'onCreate 5']);
    expect(new Set(out.map((o) => o.id)).size).toBe(5);
  });

  it('merges ids whose masks differ (blk_-1 and blk_1 style)', () => {
    const out = mine([
      'Verification succeeded for blk_-4980916519',
      'Verification succeeded for blk_6996194389',
    ]);
    expect(out[0]?.id).toBe(out[1]?.id);
    expect(out[0]?.template).toBe('Verification succeeded for <*>');
  });

  it('returns parameters with add()', () => {
    const miner = new TemplateMiner();
    miner.add('Received block blk_1 of size 67108864 from /10.0.0.1');
    const r = miner.add('Received block blk_2 of size 1024 from /10.0.0.2');
    expect(r.template).toBe('Received block <*> of size <*> from <*>');
    expect(r.params).toEqual(['blk_2', '1024', '/10.0.0.2']);
  });

  it('mines raw lines with a header layout (addLine)', () => {
    const lines = [
      '2024-11-26 10:00:01,123 INFO [main] com.acme.Server: Started in 1.2 s',
      '2024-11-26 10:00:02,456 INFO [main] com.acme.Server: Started in 3.4 s',
      '2024-11-26 10:00:03,789 WARN [pool-1] com.acme.Db: Slow query took 1200 ms',
    ];
    const miner = new TemplateMiner();
    const layout = HeaderLayout.learn(lines);
    const ids = lines.map((l) => miner.addLine(l, layout));
    expect(ids[0]).toBe(ids[1]);
    expect(miner.template(ids[0] as string)).toBe('Started in <*>');
    expect(miner.template(ids[2] as string)).toBe('Slow query took <*>');
    // The line cache and the message path agree.
    expect(miner.addLine(lines[0] as string, layout)).toBe(ids[0]);
    expect(miner.groups().find((g) => g.templateId === ids[0])?.count).toBe(3);
  });

  it('handles empty and odd messages', () => {
    const miner = new TemplateMiner();
    for (const m of ['', '   ', '\u0000\u0001', '\uffff\ud800', 'x'.repeat(100_000)]) {
      expect(typeof miner.add(m).templateId).toBe('string');
    }
  });

  it('stays bounded on input whose shapes never repeat', () => {
    const miner = new TemplateMiner();
    let seed = 1;
    const word = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8).toString(36).replace(/\d/g, 'x');
    };
    for (let i = 0; i < 60_000; i++) miner.addId(`user ${word()} did ${word()} on ${word()}`);
    expect(miner.groups().length).toBeLessThanOrEqual(20_000);
  });
});

describe('TemplateMiner ids and state', () => {
  const LOG = [
    'Failed password for root from 10.0.0.1 port 22 ssh2',
    'Failed password for admin from 10.0.0.2 port 23 ssh2',
    'Failed password for guest from 10.0.0.3 port 24 ssh2',
    'Failed password for oracle from 10.0.0.4 port 25 ssh2',
    'Accepted publickey for deploy from 10.0.0.5 port 26 ssh2',
  ];

  it('keeps a group id when its template generalises', () => {
    const miner = new TemplateMiner();
    const first = miner.addId(LOG[0] as string);
    for (const l of LOG.slice(1, 4)) miner.addId(l);
    expect(miner.resolve(first)).toBe(first);
    expect(miner.template(first)).toBe('Failed password for <*> from <*> port <*> ssh2');
  });

  it('derives ids from content: the same first message gives the same id in a new miner', () => {
    expect(new TemplateMiner().addId(LOG[4] as string)).toBe(
      new TemplateMiner().addId(LOG[4] as string),
    );
  });

  it('gives the same ids and templates after save and restore', () => {
    const before = new TemplateMiner();
    const ids = LOG.map((l) => before.addId(l));
    const state = JSON.parse(JSON.stringify(before.exportState()));
    const after = new TemplateMiner(state);
    for (const id of ids) {
      expect(after.resolve(id)).toBe(before.resolve(id));
      expect(after.template(id)).toBe(before.template(id));
    }
    // New lines of a known template land in the known group.
    expect(after.addId('Failed password for nobody from 10.9.9.9 port 9 ssh2')).toBe(
      before.resolve(ids[0] as string),
    );
    expect(after.addId('Accepted publickey for deploy from 10.1.1.1 port 7 ssh2')).toBe(ids[4]);
  });

  it('ignores state of an unknown version or shape', () => {
    for (const state of [
      { version: 1, data: [['abc', 'x']] },
      { version: 99, data: {} },
      { version: 2, data: null },
      { version: 2, data: { groups: 'nope' } },
      { version: 2, data: { groups: [[1, 2, 3], ['id', ['a'], ['<*>', 'b'], 1], null] } },
    ]) {
      const miner = new TemplateMiner(state);
      expect(miner.groups()).toEqual([]);
      expect(miner.addId('hello world')).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('exports versioned, JSON-safe state', () => {
    const miner = new TemplateMiner();
    for (const l of LOG) miner.add(l);
    const state = miner.exportState();
    expect(state.version).toBe(2);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('TemplateMiner limits', () => {
  it('keeps the number of groups bounded when every line is a new shape', () => {
    const miner = new TemplateMiner();
    let seed = 3;
    const word = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 6).toString(36).replace(/\d/g, 'q');
    };
    for (let i = 0; i < 30_000; i++) miner.addId(`${word()} ${word()}`);
    expect(miner.groups().length).toBeLessThanOrEqual(20_001);
  }, 60_000);
});

describe('TemplateMiner masked positions', () => {
  it('does not let a template of variables only take in words', () => {
    const out = mine(['7044 5029 150882 240', 'ERROR IN CONTACTING RM.', '11 22 33 44']);
    expect(out[0]?.id).toBe(out[2]?.id);
    expect(out[1]?.id).not.toBe(out[0]?.id);
    expect(out[1]?.template).toBe('ERROR IN CONTACTING RM.');
  });

  it('merges a word with a masked value at the same place (host name and address)', () => {
    const out = mine(['lookup for 10.0.0.1 failed', 'lookup for localhost failed']);
    expect(out[0]?.id).toBe(out[1]?.id);
    expect(out[1]?.template).toBe('lookup for <*> failed');
  });
});
