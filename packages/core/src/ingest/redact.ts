// Secrets in submitted logs are replaced before the log is analysed, stored,
// logged or returned. The replacement keeps the text's shape (the key name,
// the scheme, the `Bearer` word, the line count) so that analysis still works
// and evidence line numbers still point at the submitted lines.
//
// Every pattern is linear: each repetition is bounded or a single character
// class after a literal anchor, with no nested quantifiers and no
// alternation that can match the same text two ways. Private key blocks are
// found with indexOf, not a lazy regex, so a log full of BEGIN lines with no
// END stays linear too.

export const REDACTED = '[REDACTED]';

/** Names whose value is a secret in `name=value`, `name: value` and `"name": "value"`. */
const SECRET_NAME =
  '[a-z0-9_.-]{0,32}(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|account[_-]?key|shared[_-]?access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth[_-]?key|signing[_-]?key|encryption[_-]?key)';

interface Rule {
  readonly name: string;
  readonly pattern: RegExp;
  readonly replace: string;
  /**
   * Matches every text the pattern matches somewhere in (a part of the
   * pattern, same flags or fewer cases): a region without it is left alone,
   * unread by the pattern.
   */
  readonly needs?: RegExp;
}

/**
 * The end of every secret name followed by its separator: each name in
 * SECRET_NAME ends with one of these words. The secret-name rules try up to
 * 32 name characters at every position of a region, which made them most of
 * redaction's cost in lines that merely mention a key (`keys=4000`).
 */
const SECRET_NAME_AND_SEPARATOR =
  /(?:password|passwd|passphrase|pwd|secret|token|key|credentials?)["']?\s{0,3}[:=]/i;

const RULES: readonly Rule[] = [
  {
    name: 'password in a URL (scheme://user:password@host)',
    pattern: /\b([a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@]{0,256}):[^\s@/]{1,256}@/gi,
    replace: `$1:${REDACTED}@`,
    // The scheme is tried at every word, up to 21 characters each.
    needs: /:\/\//,
  },
  {
    name: 'Authorization header of any scheme',
    pattern:
      /\b((?:proxy-)?authorization["']?\s{0,3}[:=]\s{0,3}["']?(?:Bearer|Basic|Token|Digest|Negotiate|NTLM|AWS4-HMAC-SHA256|ApiKey|SSWS)?\s{0,3})[^\s"',;]{1,4096}/gi,
    replace: `$1${REDACTED}`,
  },
  {
    name: 'bearer token',
    pattern: /\b(Bearer|bearer|BEARER)\s{1,10}[A-Za-z0-9._~+/=-]{8,4096}/g,
    replace: `$1 ${REDACTED}`,
  },
  {
    // Base64 with a digit, `+`, `/`, `=` or a capital after a small letter, so
    // "Basic authentication failed" and "Basic Auth" stay.
    name: 'basic credentials',
    pattern:
      /\b(Basic|basic|BASIC)\s{1,10}(?=[A-Za-z]{0,4096}[0-9+/=]|[A-Z]?[a-z]{1,4096}[A-Z])[A-Za-z0-9+/]{6,4096}={0,2}/g,
    replace: `$1 ${REDACTED}`,
  },
  {
    name: 'JSON Web Token',
    pattern: /\beyJ[A-Za-z0-9_-]{5,4096}\.[A-Za-z0-9_-]{5,4096}\.[A-Za-z0-9_-]{5,4096}/g,
    replace: REDACTED,
  },
  {
    name: 'AWS access key id',
    pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
    replace: REDACTED,
  },
  {
    name: 'Google API key and OAuth access token',
    pattern: /\b(?:AIza[0-9A-Za-z_-]{35}|ya29\.[0-9A-Za-z_-]{20,2048})/g,
    replace: REDACTED,
  },
  {
    name: 'GitHub, Slack, Stripe, OpenAI and similar prefixed tokens',
    pattern:
      /\b(?:ghp|gho|ghs|ghu|ghr|github_pat|glpat|xox[abprse]|xapp|sk|sk_live|sk_test|rk_live|npm)[-_][A-Za-z0-9_-]{16,1024}/g,
    replace: REDACTED,
  },
  {
    name: 'Slack webhook URL',
    pattern: /\b(https:\/\/hooks\.slack\.com\/services\/)[A-Za-z0-9/_-]{8,256}/g,
    replace: `$1${REDACTED}`,
  },
  {
    name: 'Azure SAS signature in a query string',
    pattern: /([?&;]sig=)[^\s&"';]{1,1024}/gi,
    replace: `$1${REDACTED}`,
  },
  {
    // A quoted value may hold spaces: redact up to its closing quote.
    name: 'quoted value of a secret-named key',
    pattern: new RegExp(
      `\\b(${SECRET_NAME}["']?\\s{0,3}[:=]\\s{0,3})(["'])(?!\\[REDACTED\\])[^"'\\n]{1,4096}\\2`,
      'gi',
    ),
    replace: `$1$2${REDACTED}$2`,
    needs: SECRET_NAME_AND_SEPARATOR,
  },
  {
    name: 'unquoted value of a secret-named key',
    pattern: new RegExp(
      `\\b(${SECRET_NAME}["']?\\s{0,3}[:=]\\s{0,3}["']?)(?!\\[REDACTED\\]|-----BEGIN)[^\\s"',;&]{1,4096}`,
      'gi',
    ),
    replace: `$1${REDACTED}`,
    needs: SECRET_NAME_AND_SEPARATOR,
  },
];

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY-----/g;
const PEM_END = '-----END ';
const PEM_BEGIN_LINE = '-----BEGIN PRIVATE KEY-----';
const PEM_END_LINE = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----/y;
/** How far a private key block may reach (an RSA 8192 key is about 6,500 characters). */
const PEM_MAX_CHARS = 10_000;
/** The body of a key block whose END line never came (a truncated log): base64 lines only. */
const PEM_BODY = /[A-Za-z0-9+/=\s\\]{0,10000}/y;

/**
 * Replaces the body of every private key block, keeping its BEGIN and END
 * lines (without the key type) and its line breaks. A block without an END line within
 * PEM_MAX_CHARS loses the base64 that follows its BEGIN line.
 */
function redactPrivateKeys(text: string): string {
  if (!text.includes('PRIVATE KEY-----')) return text;
  let out = '';
  let copied = 0;
  // Where the next END marker at or after some position is; reused while
  // still ahead, so each character is searched at most once.
  let nextEnd = -2;
  PEM_BEGIN.lastIndex = 0;
  for (let m = PEM_BEGIN.exec(text); m !== null; m = PEM_BEGIN.exec(text)) {
    const bodyStart = m.index + m[0].length;
    if (nextEnd !== -1 && nextEnd < bodyStart) nextEnd = text.indexOf(PEM_END, bodyStart);
    let bodyEnd: number;
    if (nextEnd !== -1 && nextEnd - bodyStart <= PEM_MAX_CHARS) {
      bodyEnd = nextEnd;
    } else {
      PEM_BODY.lastIndex = bodyStart;
      PEM_BODY.exec(text);
      bodyEnd = PEM_BODY.lastIndex;
    }
    const body = text.slice(bodyStart, bodyEnd);
    const breaks = body.match(/\n/g)?.length ?? 0;
    const escapedBreaks = body.match(/\\n/g)?.length ?? 0;
    // Keep the line count, and the literal `\n`s of a key inside a JSON string.
    const kept = breaks > 0 ? `\n${REDACTED}${'\n'.repeat(breaks - 1)}` : REDACTED;
    // BEGIN and END lines are written without the key type, as one shape.
    out +=
      text.slice(copied, m.index) +
      PEM_BEGIN_LINE +
      (escapedBreaks > 0 && breaks === 0 ? `\\n${REDACTED}\\n` : kept);
    copied = bodyEnd;
    PEM_END_LINE.lastIndex = bodyEnd;
    const end = PEM_END_LINE.exec(text);
    if (end !== null) {
      out += '-----END PRIVATE KEY-----';
      copied = bodyEnd + end[0].length;
    }
    PEM_BEGIN.lastIndex = Math.max(PEM_BEGIN.lastIndex, bodyEnd);
  }
  return out + text.slice(copied);
}

/**
 * Text every match of a rule contains, in lower case (matched in the
 * lower-cased text: a superset of the rules' own spellings): `://` (URLs,
 * the Slack webhook), the header and scheme words, the token prefixes,
 * `sig=`, and the secret-name keywords (every name in SECRET_NAME holds pass,
 * pwd, secret, token, key or credential). Lines without any of it cannot hold
 * a match, and one scan for it costs a fraction of the rules'.
 */
const TRIGGER =
  /:\/\/|a(?:uthorization|kia|sia|gpa|ida|roa|ipa|npa|nva|bia|cca|iza)|b(?:earer|asic)|eyj|ya29\.|g(?:h[pousr][-_]|ithub_pat|lpat)|x(?:ox|app)|sk[-_]|rk_live|npm[-_]|sig=|p(?:ass|wd)|secret|token|key|credential/g;
/** TRIGGER for text whose lower case is not as long (a rare non-ASCII letter). */
const TRIGGER_ANY_CASE = new RegExp(TRIGGER.source, 'gi');

/**
 * How far past the end of a trigger a match may still reach a line break:
 * the rules' separators (quotes, `:`/`=`, the scheme word, `\s{0,10}`) after
 * their keyword, 28 characters at most, plus the rest of a keyword the
 * trigger starts (passphrase after pass). Values never span a line break.
 */
const REACH = 64;

/** Applies every rule to the whole text: what `redactSecrets` computes, more slowly. */
export function redactEverywhere(text: string): string {
  let out = redactPrivateKeys(text);
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace);
  return out;
}

/**
 * Replaces secrets (see RULES and private key blocks). The rules run only on
 * the lines around a trigger: from the start of a trigger's line (no match
 * reaches back past a line break to its trigger) to the end of the line
 * REACH characters after it, and regions that meet are one. The result is
 * the same as running every rule over the whole text (the test suite checks
 * it against `redactEverywhere` on random text).
 */
export function redactSecrets(text: string): string {
  const keyed = redactPrivateKeys(text);
  // Lower case keeps every index when it keeps the length (no letter expanded).
  let lower = keyed.toLowerCase();
  let trigger = TRIGGER;
  if (lower.length !== keyed.length) {
    lower = keyed;
    trigger = TRIGGER_ANY_CASE;
  }
  trigger.lastIndex = 0;
  let m = trigger.exec(lower);
  if (m === null) return keyed;
  let out = '';
  let copied = 0;
  while (m !== null) {
    const start = keyed.lastIndexOf('\n', m.index - 1) + 1;
    let end = lineEnd(keyed, m.index + m[0].length + REACH);
    // Triggers near the region's end widen it; those further inside cannot.
    for (;;) {
      trigger.lastIndex = Math.max(m.index + m[0].length, end - REACH - TRIGGER_LONGEST);
      m = trigger.exec(lower);
      if (m === null || m.index >= end) break;
      end = Math.max(end, lineEnd(keyed, m.index + m[0].length + REACH));
    }
    let region = keyed.slice(start, end);
    for (const rule of RULES) {
      // Tested on the region as the rules before have left it, as the pattern reads it.
      if (rule.needs && !rule.needs.test(region)) continue;
      region = region.replace(rule.pattern, rule.replace);
    }
    out += keyed.slice(copied, start) + region;
    copied = end;
  }
  return out + keyed.slice(copied);
}

/** Longest text TRIGGER matches. */
const TRIGGER_LONGEST = 13;

/** Index of the line break ending the line that holds `at` (the text's length when none). */
function lineEnd(text: string, at: number): number {
  if (at >= text.length) return text.length;
  const end = text.indexOf('\n', at);
  return end === -1 ? text.length : end;
}
