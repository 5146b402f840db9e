import { createHmac, timingSafeEqual } from 'node:crypto';
import { type ClaimsResult, readLicenseClaims } from './license-claims.js';

/**
 * The HMAC licence form of config.md, for installs without JWT:
 * `base64url(JSON payload) + "." + base64url(HMAC-SHA256(secret, that first part))`,
 * payload `{"sub", "exp" (unix seconds), "features": [...]}` (`nbf` is also honoured).
 */

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** An HMAC-SHA256 is 32 bytes: 43 base64url characters without padding. */
const SIGNATURE_BYTES = 32;

export interface HmacLicensePayload {
  readonly sub: string;
  readonly exp: number;
  readonly nbf?: number;
  readonly features: readonly string[];
}

export function signHmacLicense(payload: HmacLicensePayload, secret: string): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${hmac(secret, body).toString('base64url')}`;
}

export function verifyHmacLicense(licence: string, secret: string): ClaimsResult {
  const parts = licence.split('.');
  const [body, signature] = parts;
  // Node's base64url decoder skips characters it does not know; checking the
  // alphabet first means one signature has exactly one spelling.
  if (
    parts.length !== 2 ||
    body === undefined ||
    signature === undefined ||
    !BASE64URL.test(body) ||
    !BASE64URL.test(signature)
  ) {
    return { ok: false, reason: 'licence is malformed' };
  }
  const presented = Buffer.from(signature, 'base64url');
  const expected = hmac(secret, body);
  // The length is not secret (every valid signature has it); the bytes are
  // compared in constant time.
  if (presented.length !== SIGNATURE_BYTES || !timingSafeEqual(presented, expected)) {
    return { ok: false, reason: 'licence signature does not verify' };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'licence payload is not JSON' };
  }
  return readLicenseClaims(payload);
}

function hmac(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(data, 'utf8').digest();
}
