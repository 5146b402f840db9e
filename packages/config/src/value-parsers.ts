/**
 * Parsers for single environment values. Each takes the trimmed, non-empty raw
 * string and returns a value or problems. A parser never puts the raw value
 * into its problem text: whether a value may be echoed depends on the
 * variable (secret or not), so only `config-variable.ts` decides that.
 */

export interface Problem {
  /** What is wrong, phrased to follow the value: `is not an integer`. */
  readonly problem: string;
  /** What the variable accepts: `a whole number of bytes >= 1024`. */
  readonly expected: string;
  /** Set when the problem is one entry of a comma list (1-based). */
  readonly entry?: { readonly index: number; readonly text: string };
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export type Parser<T> = (raw: string) => Parsed<T>;

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T = never>(problem: string, expected: string): Parsed<T> {
  return { ok: false, problems: [{ problem, expected }] };
}

// A sign is accepted by the syntax so that "-1" is reported as out of range,
// which says more than "not an integer". Exponents, hex, "Infinity" and
// trailing junk are rejected: Number() and parseInt() would accept them.
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;

export function integer(range: { min: number; max?: number; expected: string }): Parser<number> {
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  return (raw) => {
    if (!INTEGER.test(raw)) return fail('is not an integer', range.expected);
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < range.min || value > max) {
      return fail('is out of range', range.expected);
    }
    return ok(value);
  };
}

export function decimal(range: { min: number; max: number; expected: string }): Parser<number> {
  return (raw) => {
    if (!DECIMAL.test(raw)) return fail('is not a number', range.expected);
    const value = Number(raw);
    if (!Number.isFinite(value) || value < range.min || value > range.max) {
      return fail('is out of range', range.expected);
    }
    return ok(value);
  };
}

/** `true`/`false`/`1`/`0`, any case. Never JavaScript truthiness: "no" is an error, not true. */
export const boolean: Parser<boolean> = (raw) => {
  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === '1') return ok(true);
  if (lower === 'false' || lower === '0') return ok(false);
  return fail('is not a boolean', 'true, false, 1 or 0');
};

export function oneOf<const T extends string>(noun: string, values: readonly T[]): Parser<T> {
  return (raw) => {
    const lower = raw.toLowerCase();
    const match = values.find((value) => value === lower);
    return match === undefined ? fail(`is not ${noun}`, `one of ${values.join(', ')}`) : ok(match);
  };
}

function parseUrl(raw: string): URL | null {
  // URL() would quietly percent-encode inner whitespace; a value with spaces
  // is a pasting mistake, not a URL.
  if (/\s/.test(raw)) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * A URL with one of `schemes` (given without the colon). `base` URLs are
 * ones we append paths to (`{LLM_BASE_URL}/chat/completions`), so they may
 * carry no query or fragment, and a trailing slash is dropped so the join
 * never makes `//`.
 */
export function url(options: {
  schemes: readonly string[];
  noun: string;
  base?: boolean;
}): Parser<string> {
  const expected =
    options.schemes.map((scheme) => `${scheme}://`).join(' or ') +
    (options.base ? ' URL without query or fragment' : ' URL');
  return (raw) => {
    const parsed = parseUrl(raw);
    if (parsed === null) return fail('is not a URL', expected);
    if (!options.schemes.includes(parsed.protocol.slice(0, -1))) {
      return fail(`is not ${options.noun}`, expected);
    }
    if (options.base && (parsed.search !== '' || parsed.hash !== '')) {
      return fail('has a query or fragment', expected);
    }
    return ok(options.base ? raw.replace(/\/+$/, '') : raw);
  };
}

export const httpUrl = url({ schemes: ['http', 'https'], noun: 'an http(s) URL' });
export const httpBaseUrl = url({
  schemes: ['http', 'https'],
  noun: 'an http(s) URL',
  base: true,
});

/** A string with no further structure (model names, tokens, PEM keys). */
export const text: Parser<string> = (raw) => ok(raw);

export function pattern(regex: RegExp, expected: string, problem = 'is not valid'): Parser<string> {
  return (raw) => (regex.test(raw) ? ok(raw) : fail(problem, expected));
}

/** A slash-separated path such as an OPA data path or a Vault mount; outer slashes are dropped. */
export function slashPath(expected: string): Parser<string> {
  return (raw) => {
    const trimmed = raw.replace(/^\/+|\/+$/g, '');
    const segments = trimmed.split('/');
    const valid = trimmed !== '' && segments.every((segment) => /^[A-Za-z0-9_.-]+$/.test(segment));
    return valid ? ok(trimmed) : fail('is not a valid path', expected);
  };
}

/**
 * A comma list: entries trimmed, empty ones dropped, each parsed by `entry`.
 * Entry problems carry the entry's position and text; the caller decides
 * whether the text may be shown.
 */
export function list<T>(entry: Parser<T>): Parser<T[]> {
  return (raw) => {
    const entries = raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    const values: T[] = [];
    const problems: Problem[] = [];
    entries.forEach((part, offset) => {
      const result = entry(part);
      if (result.ok) {
        values.push(result.value);
      } else {
        for (const problem of result.problems) {
          problems.push({ ...problem, entry: { index: offset + 1, text: part } });
        }
      }
    });
    return problems.length > 0 ? { ok: false, problems } : ok(values);
  };
}

export interface ApiKey {
  readonly tenant: string;
  readonly key: string;
}

export const DEFAULT_TENANT = 'default';
const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
// Keys travel in `Authorization: Bearer ...` and `X-API-Key` headers, where
// whitespace and control characters cannot survive.
const KEY = /^[^\s\x00-\x1f\x7f]+$/;
const API_KEY_EXPECTED = 'key or tenant:key, tenant matching [a-z0-9][a-z0-9_-]{0,62}';

function apiKeyEntry(raw: string): Parsed<ApiKey> {
  // Split at the first colon, so a key that itself contains a colon can be
  // written as `default:abc:def`.
  const colon = raw.indexOf(':');
  const tenant = colon === -1 ? DEFAULT_TENANT : raw.slice(0, colon).trim();
  const key = colon === -1 ? raw : raw.slice(colon + 1).trim();
  if (tenant === '') return fail('has an empty tenant', API_KEY_EXPECTED);
  if (!TENANT.test(tenant)) return fail('has an invalid tenant name', API_KEY_EXPECTED);
  if (key === '') return fail('has an empty key', API_KEY_EXPECTED);
  if (!KEY.test(key)) return fail('has a key with spaces or control characters', API_KEY_EXPECTED);
  return ok({ tenant, key });
}

const apiKeyEntries = list(apiKeyEntry);

/**
 * API_KEYS: `key` or `tenant:key` entries. A key listed twice is an error even
 * under the same tenant: one key must identify exactly one principal.
 */
export const apiKeyList: Parser<ApiKey[]> = (raw) => {
  const parsed = apiKeyEntries(raw);
  if (!parsed.ok) return parsed;
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  parsed.value.forEach((apiKey, offset) => {
    const first = seen.get(apiKey.key);
    if (first === undefined) {
      seen.set(apiKey.key, offset + 1);
    } else {
      problems.push({
        problem: `repeats the key of entry ${first}`,
        expected: 'each key listed once',
        entry: { index: offset + 1, text: apiKey.key },
      });
    }
  });
  return problems.length > 0 ? { ok: false, problems } : parsed;
};

/** ADMIN_KEYS: plain keys; a repeat is harmless, so it is dropped rather than refused. */
const adminKeyEntries = list(
  pattern(KEY, 'keys without spaces or control characters', 'has spaces or control characters'),
);

export const adminKeyList: Parser<string[]> = (raw) => {
  const parsed = adminKeyEntries(raw);
  return parsed.ok ? ok([...new Set(parsed.value)]) : parsed;
};

/** A CORS origin (`scheme://host[:port]`, no path) or `*`; origins are normalised as browsers send them. */
export const corsOrigin: Parser<string> = (raw) => {
  if (raw === '*') return ok(raw);
  const expected = '* or origins like https://app.example.com (scheme, host and optional port)';
  const parsed = parseUrl(raw);
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    return fail('is not an http(s) origin', expected);
  }
  if (
    parsed.username !== '' ||
    parsed.password !== '' ||
    parsed.pathname !== '/' ||
    parsed.search !== '' ||
    parsed.hash !== ''
  ) {
    return fail('is not a bare origin', expected);
  }
  return ok(parsed.origin);
};

const HOST_EXPECTED = 'a host name or IP address such as 127.0.0.1, 0.0.0.0 or ::';
// Loose on purpose: the listen call gives the precise error for an unknown
// name; this only catches values that cannot be a host at all.
export const host = pattern(/^[A-Za-z0-9._:%-]+$/, HOST_EXPECTED, 'is not a host');

export const filePath: Parser<string> = (raw) =>
  raw.includes('\0') ? fail('contains a NUL character', 'a file path') : ok(raw);
