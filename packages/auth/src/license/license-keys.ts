import { type CryptoKey, importJWK, importPKCS8, importSPKI } from 'jose';

/** The only asymmetric licence algorithm; pinning one closes algorithm-confusion attacks. */
export const LICENSE_ASYMMETRIC_ALG = 'EdDSA';
export const LICENSE_SYMMETRIC_ALG = 'HS256';

/**
 * An Ed25519 public key from `LICENSE_PUBLIC_KEY`: PEM (SPKI) or a JWK as
 * JSON. Only the public members of a JWK are used, so a deployment handed a
 * private JWK by mistake still cannot mint with this key object.
 */
export async function importLicensePublicKey(text: string): Promise<CryptoKey> {
  const source = normalisePem(text);
  if (source.startsWith('{')) {
    const jwk = parseOkpJwk(source);
    return (await importJWK(
      { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
      LICENSE_ASYMMETRIC_ALG,
    )) as CryptoKey;
  }
  return importSPKI(source, LICENSE_ASYMMETRIC_ALG);
}

/** An Ed25519 private key for `license issue`: PEM (PKCS#8) or a JWK as JSON. */
export async function importLicensePrivateKey(text: string): Promise<CryptoKey> {
  const source = normalisePem(text);
  if (source.startsWith('{')) {
    const jwk = parseOkpJwk(source);
    if (typeof jwk.d !== 'string') throw new TypeError('the JWK has no private part (d)');
    return (await importJWK(
      { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d },
      LICENSE_ASYMMETRIC_ALG,
    )) as CryptoKey;
  }
  return importPKCS8(source, LICENSE_ASYMMETRIC_ALG);
}

export function hmacKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

interface OkpJwk {
  kty: string;
  crv: string;
  x: string;
  d?: unknown;
}

function parseOkpJwk(source: string): OkpJwk {
  const jwk: unknown = JSON.parse(source);
  if (typeof jwk !== 'object' || jwk === null) throw new TypeError('the JWK is not an object');
  const { kty, crv, x, d } = jwk as Record<string, unknown>;
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string') {
    throw new TypeError('the JWK is not an Ed25519 (OKP) key');
  }
  return { kty, crv, x, d };
}

/** PEM passed through an environment variable often arrives with literal `\n`. */
function normalisePem(text: string): string {
  const trimmed = text.trim();
  return trimmed.includes('\n') ? trimmed : trimmed.replaceAll('\\n', '\n');
}
