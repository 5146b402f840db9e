/**
 * Whether a URL's host is on an allowlist of `host` (exactly that host) and
 * `*.domain` (any subdomain of it, not the domain itself) entries.
 */
export function hostAllowed(url: URL, allowlist: readonly string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return allowlist.some((entry) =>
    entry.startsWith('*.')
      ? host.endsWith(entry.slice(1)) && host.length > entry.length - 1
      : host === entry,
  );
}
