/**
 * Values that are not secret as a whole can still carry credentials: a
 * `postgres://user:password@host/db` URL, an `?api_key=` query. These helpers
 * take those parts out before a value is shown anywhere.
 */

// userinfo is everything between `//` and the last `@` before the host ends.
const USERINFO = /(\/\/)[^/?#]*@/;

/** For error messages: the value stays recognisable, its credentials do not. */
export function maskUrlParts(value: string): string {
  if (!value.includes('://')) return value;
  return value.replace(USERINFO, '$1***@').replace(/\?.*$/s, '?***').replace(/#.*$/s, '');
}

const MAX_ECHO = 120;

/** A non-secret value quoted for an error line: credentials masked, one line, bounded length. */
export function echoValue(value: string): string {
  const masked = maskUrlParts(value);
  const bounded = masked.length > MAX_ECHO ? `${masked.slice(0, MAX_ECHO)}...` : masked;
  // JSON quoting escapes newlines, so one problem stays one line.
  return JSON.stringify(bounded);
}

/**
 * For the public view: a URL reduced to scheme, host and path. Userinfo,
 * query and fragment are dropped rather than masked; nothing there is
 * needed to tell which server is configured.
 */
export function publicUrl(value: string): string {
  if (!value.includes('://')) return value;
  try {
    const parsed = new URL(value);
    const clean =
      parsed.username === '' &&
      parsed.password === '' &&
      parsed.search === '' &&
      parsed.hash === '';
    if (clean) return value;
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    // Not parseable (cannot happen for validated values): fall back to the
    // textual mask, which still removes credentials.
    return maskUrlParts(value).replace(/\?\*\*\*$/, '');
  }
}
