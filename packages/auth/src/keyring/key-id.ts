import { createHash } from 'node:crypto';

/** Length of a key id in hex characters: 48 bits, enough to tell keys apart in logs. */
export const KEY_ID_LENGTH = 12;

/** SHA-256 of a key. Keys are only ever held and compared as digests. */
export function keyDigest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * A short, non-secret name for a key: the first 12 hex characters of its
 * SHA-256 digest. Logs, metrics and audit entries use this so an operator
 * can tell keys apart without the key itself ever being written down.
 */
export function keyIdOf(key: string): string {
  return keyDigest(key).toString('hex').slice(0, KEY_ID_LENGTH);
}
