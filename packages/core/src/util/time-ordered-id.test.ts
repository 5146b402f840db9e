import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './time-ordered-id.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The id's 48-bit Unix time in milliseconds. */
const millisOf = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('timeOrderedId', () => {
  it('makes distinct UUIDv7s stamped with the current millisecond, never going back', () => {
    const before = Date.now();
    // More than one refill of the random pool (256 ids).
    const ids = Array.from({ length: 2000 }, () => timeOrderedId());
    const after = Date.now();
    for (const id of ids) expect(id).toMatch(V7);
    expect(new Set(ids).size).toBe(ids.length);
    const millis = ids.map(millisOf);
    expect(millis[0]).toBeGreaterThanOrEqual(before);
    expect(millis.at(-1)).toBeLessThanOrEqual(after);
    expect(millis).toEqual([...millis].sort((a, b) => a - b));
  });

  it('sorts an id made in a later millisecond after an earlier one, as text', async () => {
    const first = timeOrderedId();
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = timeOrderedId();
    expect(millisOf(second)).toBeGreaterThan(millisOf(first));
    expect([second, first].sort()).toEqual([first, second]);
  });
});
