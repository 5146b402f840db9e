import { type CompactVerifyGetKey, type CryptoKey, compactVerify, errors } from 'jose';
import { verifyHmacLicense } from './hmac-license.js';
import { type ClaimsResult, type LicenseClaims, readLicenseClaims } from './license-claims.js';
import {
  hmacKey,
  importLicensePublicKey,
  LICENSE_ASYMMETRIC_ALG,
  LICENSE_SYMMETRIC_ALG,
} from './license-keys.js';

export interface LicenseCheckerOptions {
  /** `REQUIRE_LICENSE`: when true, key routes answer 402 unless the licence is valid. */
  readonly required: boolean;
  /** `LICENSE_KEY`: a JWT or the HMAC form. */
  readonly key?: string | null;
  /** `LICENSE_SIGNING_SECRET`: verifies HS256 JWTs and the HMAC form. */
  readonly signingSecret?: string | null;
  /** `LICENSE_PUBLIC_KEY`: Ed25519 public key (PEM SPKI or JWK JSON) for EdDSA JWTs. */
  readonly publicKey?: string | null;
  readonly now?: () => Date;
}

export interface LicenseStatus {
  readonly required: boolean;
  readonly valid: boolean;
  /** ISO-8601; present once the signature has been checked, also when expired. */
  readonly expiresAt: string | null;
  readonly subject: string | null;
  /** Features granted; empty unless the licence is valid. */
  readonly features: readonly string[];
  /** Why the licence is not valid; null when it is. Never contains the key. */
  readonly reason: string | null;
}

export interface LicenseChecker {
  readonly required: boolean;
  status(): Promise<LicenseStatus>;
  /** Whether a valid licence grants this feature (whether licensing is required or not). */
  hasFeature(name: string): Promise<boolean>;
  /**
   * Whether the feature may be used: always when licensing is not required,
   * else only with a valid licence that grants it. This is the contract's rule
   * for `auto_remediation`.
   */
  allows(name: string): Promise<boolean>;
}

export const NO_LICENSE_KEY = 'no licence key';

/**
 * Checks the signature once (lazily, on the first call) and keeps the
 * result; expiry and not-before are compared with `now()` on every call, so
 * a licence that expires while the service runs starts answering 402
 * without a restart.
 */
export function createLicenseChecker(options: LicenseCheckerOptions): LicenseChecker {
  const required = options.required;
  const now = options.now ?? (() => new Date());
  const key = options.key?.trim() || null;
  let verification: Promise<ClaimsResult> | undefined;

  const status = async (): Promise<LicenseStatus> => {
    if (key === null) return invalid(required, NO_LICENSE_KEY);
    verification ??= verifyLicense(key, options);
    const result = await verification;
    if (!result.ok) return invalid(required, result.reason);
    return evaluate(required, result.claims, now());
  };

  const hasFeature = async (name: string): Promise<boolean> => {
    const current = await status();
    return current.valid && current.features.includes(name);
  };

  return {
    required,
    status,
    hasFeature,
    allows: async (name) => !required || hasFeature(name),
  };
}

function invalid(required: boolean, reason: string): LicenseStatus {
  return { required, valid: false, expiresAt: null, subject: null, features: [], reason };
}

function evaluate(required: boolean, claims: LicenseClaims, at: Date): LicenseStatus {
  // Whole seconds, as JWT NumericDate and jose's own checks use.
  const nowSec = Math.floor(at.getTime() / 1000);
  const base = {
    required,
    expiresAt: new Date(claims.expiresAt * 1000).toISOString(),
    subject: claims.subject,
  };
  if (claims.expiresAt <= nowSec) {
    return { ...base, valid: false, features: [], reason: 'licence has expired' };
  }
  if (claims.notBefore !== null && claims.notBefore > nowSec) {
    return { ...base, valid: false, features: [], reason: 'licence is not valid yet (nbf)' };
  }
  return { ...base, valid: true, features: claims.features, reason: null };
}

async function verifyLicense(
  licence: string,
  options: Pick<LicenseCheckerOptions, 'signingSecret' | 'publicKey'>,
): Promise<ClaimsResult> {
  const secret = options.signingSecret || null;
  const publicKeyText = options.publicKey?.trim() || null;
  const parts = licence.split('.').length;

  if (parts === 2) {
    if (secret === null) {
      return { ok: false, reason: 'an HMAC licence needs a signing secret to verify it' };
    }
    return verifyHmacLicense(licence, secret);
  }
  if (parts !== 3) return { ok: false, reason: 'licence is malformed' };

  if (secret === null && publicKeyText === null) {
    return { ok: false, reason: 'no signing secret or public key is configured to verify it' };
  }
  let publicKey: CryptoKey | null = null;
  if (publicKeyText !== null) {
    try {
      publicKey = await importLicensePublicKey(publicKeyText);
    } catch {
      return { ok: false, reason: 'the licence public key is not an Ed25519 key (PEM or JWK)' };
    }
  }

  // Only the algorithms we hold a key for are accepted, each with its own
  // key: an HS256 token can never be checked against the public key, and
  // `alg: none` is never on the list.
  const algorithms: string[] = [];
  if (secret !== null) algorithms.push(LICENSE_SYMMETRIC_ALG);
  if (publicKey !== null) algorithms.push(LICENSE_ASYMMETRIC_ALG);
  const getKey: CompactVerifyGetKey = (header) => {
    if (header.alg === LICENSE_SYMMETRIC_ALG && secret !== null) return hmacKey(secret);
    if (header.alg === LICENSE_ASYMMETRIC_ALG && publicKey !== null) return publicKey;
    throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  };

  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(licence, getKey, { algorithms }));
  } catch (error) {
    return { ok: false, reason: joseFailureReason(error, algorithms) };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return { ok: false, reason: 'licence payload is not JSON' };
  }
  return readLicenseClaims(claims);
}

function joseFailureReason(error: unknown, algorithms: readonly string[]): string {
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return `licence signing algorithm is not accepted (accepted: ${algorithms.join(', ')})`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'licence signature does not verify';
  }
  if (error instanceof errors.JWSInvalid) return 'licence is malformed';
  return 'licence could not be verified';
}
