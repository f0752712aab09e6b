/**
 * Hosts Meta serves media from: the download URL of `GET /{media-id}` is on `lookaside.fbsbx.com`,
 * and Meta's CDNs use other `*.fbsbx.com` and `*.whatsapp.net` hosts (e.g. `pps.whatsapp.net`).
 */
export const META_MEDIA_HOSTS: readonly string[] = ['*.fbsbx.com', '*.whatsapp.net'];

/** Whether `hostname` matches `pattern`: an exact host, `*.domain` (any subdomain) or `*` (any host). */
export function hostMatches(hostname: string, pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return hostname.endsWith(pattern.slice(1));
  return hostname === pattern;
}

/**
 * Whether the client may send its access token to `url`: the configured Graph origin, or an
 * `https:` URL on one of Meta's media hosts or on a host the caller allowed (`allowedMediaHosts`).
 */
export function isTrustedMediaUrl(url: URL, graphOrigin: string, allowedHosts: readonly string[]): boolean {
  if (url.origin === graphOrigin) return true;
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  const hostname = url.hostname.toLowerCase();
  return (
    META_MEDIA_HOSTS.some((pattern) => hostMatches(hostname, pattern)) ||
    allowedHosts.some((pattern) => hostMatches(hostname, pattern))
  );
}
