import { describe, expect, it } from 'vitest';
import { SIGNATURES } from './signature-catalog.js';
import { AnchorFilter, indexCatalog } from './signature-index.js';

describe('AnchorFilter', () => {
  const index = indexCatalog(SIGNATURES);
  const anchors = [...index.byAnchor.keys()];

  /** What the filter stands in for: one scan of the anchor alternation. */
  const holds = (text: string) => {
    index.prefilter.lastIndex = 0;
    return index.prefilter.test(text);
  };

  /** The anchors the alternation finds, resuming one character on after each. */
  const alternation = (text: string) => {
    const found: string[] = [];
    index.prefilter.lastIndex = 0;
    for (let m = index.prefilter.exec(text); m !== null; m = index.prefilter.exec(text)) {
      index.prefilter.lastIndex = m.index + 1;
      found.push(m[0]);
    }
    return found;
  };

  it('is built for the catalog', () => {
    expect(index.anchorFilter).not.toBeNull();
    expect(index.unambiguous?.anchorFilter).not.toBeNull();
  });

  it('finds the anchors the alternation finds, in order, and says so exactly when it finds one', () => {
    const filter = index.anchorFilter as AnchorFilter;
    let state = 3;
    const next = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
    const noise = ['get /api/orders 200 ', 'ok ', '12 ', 'user ', 'x', ' ', '\n', ':', 'in ', 'co'];
    let held = 0;
    for (let round = 0; round < 4000; round++) {
      let text = '';
      for (let i = next(12); i > 0; i--) {
        if (next(5) === 0) {
          // An anchor, sometimes cut short or glued to its neighbours.
          const a = anchors[next(anchors.length)] as string;
          text += next(3) === 0 ? a.slice(0, a.length - 1) : a;
        } else text += noise[next(noise.length)];
      }
      const expected = holds(text);
      if (expected) held++;
      expect(filter.mayHold(text)).toBe(expected);
      expect(filter.anchorsIn(text)).toEqual(alternation(text));
    }
    expect(held).toBeGreaterThan(500);
    expect(held).toBeLessThan(3500);
  });

  it('cannot tell on non-ASCII or very long text and says so', () => {
    const filter = index.anchorFilter as AnchorFilter;
    expect(filter.mayHold('caf\u00e9 ok')).toBe(true);
    expect(filter.mayHold('ok '.repeat(40_000))).toBe(true);
    expect(filter.mayHold('all good here')).toBe(false);
    expect(filter.anchorsIn('caf\u00e9 ok')).toBeNull();
    expect(filter.anchorsIn('all good here')).toEqual([]);
    expect(filter.mayHold('')).toBe(false);
  });

  it('is not built for anchors it cannot check', () => {
    expect(AnchorFilter.build(['ab'])).toBeNull();
    expect(AnchorFilter.build(['caf\u00e9'])).toBeNull();
    expect(AnchorFilter.build(['abc'])?.mayHold('xxabcxx')).toBe(true);
  });
});
