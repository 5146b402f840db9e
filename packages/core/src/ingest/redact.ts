// Secrets in submitted logs are replaced before the log is analysed, stored,
// logged or returned. The replacement keeps the text's shape (the key name,
// the scheme, the `Bearer` word) so that analysis still works.
// Every pattern is linear: bounded classes, no nested quantifiers.

const REDACTED = '[REDACTED]';

const RULES: readonly { pattern: RegExp; replace: string }[] = [
  // -----BEGIN ... PRIVATE KEY----- blocks
  {
    pattern:
      /-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[\s\S]{0,10000}?-----END [A-Z ]{0,40}PRIVATE KEY-----/g,
    replace: `-----BEGIN PRIVATE KEY-----${REDACTED}-----END PRIVATE KEY-----`,
  },
  // user:password@ in URLs
  {
    pattern: /\b([a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@]{1,256}):[^\s@/]{1,256}@/gi,
    replace: `$1:${REDACTED}@`,
  },
  // Authorization: Bearer/Basic <token>
  { pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, replace: `$1 ${REDACTED}` },
  // JSON Web Tokens
  { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, replace: REDACTED },
  // AWS access key ids and similar cloud keys
  { pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: REDACTED },
  {
    pattern:
      /\b(?:ghp|gho|ghs|ghu|github_pat|xox[abprs]|sk|sk_live|rk_live)[-_][A-Za-z0-9_-]{16,}/g,
    replace: REDACTED,
  },
  // key=value and "key": "value" pairs whose key names a secret
  {
    pattern:
      /\b((?:[a-z0-9_-]{0,32}(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?))["']?\s{0,3}[:=]\s{0,3}["']?)[^\s"',;&]{1,512}/gi,
    replace: `$1${REDACTED}`,
  },
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace);
  return out;
}
