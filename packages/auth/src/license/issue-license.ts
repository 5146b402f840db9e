import { exportPKCS8, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { signHmacLicense } from './hmac-license.js';
import {
  hmacKey,
  importLicensePrivateKey,
  LICENSE_ASYMMETRIC_ALG,
  LICENSE_SYMMETRIC_ALG,
} from './license-keys.js';

export interface IssueLicenseOptions {
  readonly subject: string;
  readonly expiresAt: Date;
  /** Optional start of validity (`nbf`). */
  readonly notBefore?: Date;
  readonly features?: readonly string[];
  /** `jwt`: HS256 with `signingSecret` or EdDSA with `privateKey`. `hmac`: config.md's HMAC form. */
  readonly form: 'jwt' | 'hmac';
  readonly signingSecret?: string | null;
  /** Ed25519 private key, PEM (PKCS#8) or JWK JSON; for EdDSA JWTs. */
  readonly privateKey?: string | null;
  /** Issue time (`iat`) for JWTs; default now. */
  readonly now?: () => Date;
}

/** Mints a licence for `devops-agent license issue`. Throws TypeError on unusable options. */
export async function issueLicense(options: IssueLicenseOptions): Promise<string> {
  const { subject, expiresAt, notBefore, form } = options;
  const features = [...(options.features ?? [])];
  const secret = options.signingSecret || null;
  const privateKey = options.privateKey?.trim() || null;

  if (subject.trim() === '') throw new TypeError('issueLicense: subject is empty');
  if (!isValidDate(expiresAt)) throw new TypeError('issueLicense: expiresAt is not a valid date');
  if (notBefore !== undefined && !isValidDate(notBefore)) {
    throw new TypeError('issueLicense: notBefore is not a valid date');
  }
  if (!features.every((f) => typeof f === 'string' && f !== '')) {
    throw new TypeError('issueLicense: features must be non-empty strings');
  }
  if (secret !== null && privateKey !== null) {
    // Refuse rather than guess which one the operator meant to sign with.
    throw new TypeError('issueLicense: give a signing secret or a private key, not both');
  }

  if (form === 'hmac') {
    if (secret === null) throw new TypeError('issueLicense: the HMAC form needs a signing secret');
    return signHmacLicense(
      {
        sub: subject,
        exp: toSeconds(expiresAt),
        ...(notBefore ? { nbf: toSeconds(notBefore) } : {}),
        features,
      },
      secret,
    );
  }
  if (form !== 'jwt') throw new TypeError(`issueLicense: form must be jwt or hmac, not ${form}`);

  const jwt = new SignJWT({ features })
    .setSubject(subject)
    .setIssuedAt(toSeconds((options.now ?? (() => new Date()))()))
    .setExpirationTime(toSeconds(expiresAt));
  if (notBefore) jwt.setNotBefore(toSeconds(notBefore));

  if (privateKey !== null) {
    const key = await importLicensePrivateKey(privateKey);
    return jwt.setProtectedHeader({ alg: LICENSE_ASYMMETRIC_ALG, typ: 'JWT' }).sign(key);
  }
  if (secret !== null) {
    return jwt.setProtectedHeader({ alg: LICENSE_SYMMETRIC_ALG, typ: 'JWT' }).sign(hmacKey(secret));
  }
  throw new TypeError(
    'issueLicense: a JWT needs a signing secret (HS256) or a private key (EdDSA)',
  );
}

export interface LicenseKeyPair {
  /** SPKI PEM: goes in `LICENSE_PUBLIC_KEY` on every deployment. */
  readonly publicKey: string;
  /** PKCS#8 PEM: stays with whoever issues licences. */
  readonly privateKey: string;
}

/** A fresh Ed25519 key pair for `devops-agent license keygen`. */
export async function generateLicenseKeyPair(): Promise<LicenseKeyPair> {
  const pair = await generateKeyPair(LICENSE_ASYMMETRIC_ALG, { crv: 'Ed25519', extractable: true });
  return {
    publicKey: await exportSPKI(pair.publicKey),
    privateKey: await exportPKCS8(pair.privateKey),
  };
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && Number.isFinite(value.getTime());
}

function toSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
