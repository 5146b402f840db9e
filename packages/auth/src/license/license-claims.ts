/** What a licence grants, once its signature has been checked. Times are unix seconds. */
export interface LicenseClaims {
  readonly subject: string;
  readonly expiresAt: number;
  readonly notBefore: number | null;
  readonly features: readonly string[];
}

export type ClaimsResult =
  | { readonly ok: true; readonly claims: LicenseClaims }
  | { readonly ok: false; readonly reason: string };

/** The latest time a JavaScript Date can hold, in seconds. */
const MAX_DATE_SEC = 8.64e12;

/**
 * Reads `sub`, `exp`, optional `nbf` and optional `features` from a verified
 * payload. Both licence forms share this, so they accept the same claims.
 * Reasons name the claim, never its value.
 */
export function readLicenseClaims(payload: unknown): ClaimsResult {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, reason: 'licence payload is not a JSON object' };
  }
  const { sub, exp, nbf, features } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.trim() === '') {
    return { ok: false, reason: 'licence claim sub is missing' };
  }
  if (!isTime(exp)) return { ok: false, reason: 'licence claim exp is missing or not a time' };
  if (nbf !== undefined && !isTime(nbf)) {
    return { ok: false, reason: 'licence claim nbf is not a time' };
  }
  if (
    features !== undefined &&
    !(Array.isArray(features) && features.every((f) => typeof f === 'string'))
  ) {
    return { ok: false, reason: 'licence claim features is not a list of strings' };
  }
  return {
    ok: true,
    claims: {
      subject: sub,
      expiresAt: exp,
      notBefore: nbf ?? null,
      features: Object.freeze([...((features as string[] | undefined) ?? [])]),
    },
  };
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_DATE_SEC;
}
