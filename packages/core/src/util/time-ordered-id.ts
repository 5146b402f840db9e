import { v7 as uuidv7 } from 'uuid';

const IDS_PER_REFILL = 256;
const pool = new Uint8Array(16 * IDS_PER_REFILL);
let used = pool.length;

/** 16 random bytes for one id, from a pool refilled 256 ids at a time. */
function randomBytesForId(): Uint8Array {
  if (used === pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  const bytes = pool.subarray(used, used + 16);
  used += 16;
  return bytes;
}

/**
 * A UUIDv7 (RFC 9562): a millisecond timestamp, then random bits. Ids made
 * later sort after earlier ones (to the millisecond; within one millisecond
 * their order is random), so the rows they key go to the end of an index
 * rather than a random page of it.
 *
 * uuid's `v7()` asks `crypto.getRandomValues` for 16 bytes per id; in the
 * API that call was 4% of the CPU profile of a deduplicated process_log
 * (`pnpm bench:store -- --cpu-prof`). The random bytes come from a pool
 * instead, as Node's own `randomUUID` does it.
 */
export function timeOrderedId(): string {
  return uuidv7({ random: randomBytesForId() });
}
